#!/usr/bin/env bash
# The README's test command: installs everything (pnpm, dependencies, PostgreSQL, Redis),
# then typechecks, lints and runs every unit and integration test. Ends with one line
# "N passed, N failed" (tests, plus the typecheck and lint steps counted as one check each).
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

install_deps || { echo "dependency install failed"; echo "0 passed, 1 failed"; exit 1; }
bash scripts/services.sh --browser --promtool || { echo "could not start PostgreSQL/Redis"; echo "0 passed, 1 failed"; exit 1; }

checks_passed=0
checks_failed=0
step() { # step <name> <command...>
  local name=$1; shift
  echo "== $name"
  if "$@"; then checks_passed=$((checks_passed + 1)); else echo "!! $name failed"; checks_failed=$((checks_failed + 1)); fi
}
step typecheck pnpm_cmd exec tsc -p tsconfig.json --noEmit
# The dashboard is browser code (DOM, JSX, bundler resolution): its own tsconfig, same strictness.
step typecheck-web pnpm_cmd exec tsc -p services/web/tsconfig.json --noEmit
step lint pnpm_cmd exec biome ci .

echo "== tests"
results=$(mktemp -d)/vitest.json
pnpm_cmd exec vitest run --reporter=default --reporter=json --outputFile="$results"
vitest_status=$?

node scripts/ci-summary.mjs "$results" "$checks_passed" "$checks_failed" "$vitest_status"
