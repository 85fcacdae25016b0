import { DEFAULT_DATABASE_URL, listQuarantined, migrateDatabase, openDatabase } from "@yardstick/db";
import { type Command, Option } from "commander";

/**
 * `yardstick quarantine`: the records from GitHub the database refused (docs/security.md), with
 * why and the size of each field, never their values. A later sync that stores one removes it.
 */
export function registerQuarantine(program: Command): void {
  program
    .command("quarantine")
    .description(
      "List the records a sync could not store (quarantined with their reason); the rest of their page was stored.",
    )
    .addOption(
      new Option("--database-url <url>", "postgres://user:pass@host:5432/db, pglite:<dir> or pglite:memory")
        .env("DATABASE_URL")
        .default(DEFAULT_DATABASE_URL),
    )
    .option("--json", "print JSON (one array of records)")
    .option("--limit <n>", "at most this many records, most recently met first", (v) => Number.parseInt(v, 10), 100)
    .addHelpText(
      "after",
      `
Exit codes: 0 listed (even when empty), 2 bad URL, 3 database unreachable.

Examples:
  yardstick quarantine
  yardstick quarantine --json --limit 1000`,
    )
    .action(async (options: { databaseUrl: string; json?: boolean; limit: number }) => {
      const handle = await openDatabase({ url: options.databaseUrl });
      try {
        await migrateDatabase(handle);
        const records = await listQuarantined(handle.db, { limit: options.limit });
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
          return;
        }
        if (records.length === 0) {
          process.stdout.write("No quarantined records.\n");
          return;
        }
        process.stdout.write(`${records.length} quarantined record${records.length === 1 ? "" : "s"}:\n`);
        for (const r of records) {
          const sizes = Object.entries(r.sizes)
            .filter(([, n]) => n > 1000)
            .map(([field, n]) => `${field} ${n}`)
            .join(", ");
          process.stdout.write(
            `  ${r.kind} ${r.scope} ${r.recordKey}: ${r.code ?? ""} ${r.reason}${sizes === "" ? "" : ` (large: ${sizes})`}; seen ${r.attempts}x, last ${r.lastSeenAt.toISOString()}\n`,
          );
        }
      } finally {
        await handle.close();
      }
    });
}
