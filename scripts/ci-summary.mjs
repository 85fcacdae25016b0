// Reads vitest's JSON report and prints the one closing line CI reads: "N passed, N failed".
// Usage: node scripts/ci-summary.mjs <vitest.json> <checksPassed> <checksFailed> <vitestExitCode>
// Exits non-zero when anything failed, or when vitest failed without reporting (a crash).
import { existsSync, readFileSync } from "node:fs";

const [file, checksPassed = "0", checksFailed = "0", vitestStatus = "0"] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;
if (file !== undefined && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load has no failed test in it: count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).every((t) => t.status !== "failed")) failed += 1;
  }
} else {
  failed += 1;
  console.log("no test report was written (vitest crashed?)");
}
if (Number(vitestStatus) !== 0 && failed === 0) {
  failed += 1;
  console.log(`vitest exited with ${vitestStatus} without a failing test (an unhandled error?)`);
}
// Skipped tests on a line of their own: the last line stays exactly "N passed, N failed".
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
