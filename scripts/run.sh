#!/usr/bin/env bash
# The README's main-job command: installs pnpm and the dependencies if needed, then runs
# `yardstick run` on embedded defaults (simulated GitHub organisation, embedded PGlite, inline
# runner; no PostgreSQL, Redis or GitHub token needed). Extra arguments go to `yardstick run`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
install_deps >&2
exec node --import tsx services/cli/src/main.ts run "$@"
