# Shared shell helpers for scripts/*.sh (sourced, not run).
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")

# Runs the pinned pnpm: the installed one if it is that version, else installs it with npm
# (corepack fails its signature check on some machines), else falls back to npx.
pnpm_cmd() {
  if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    pnpm "$@"
  elif npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    pnpm "$@"
  else
    npx -y "pnpm@$PNPM_VERSION" "$@"
  fi
}

install_deps() {
  if [ "${CI:-}" = "true" ]; then
    pnpm_cmd install --frozen-lockfile --reporter=append-only || return 1
  else
    pnpm_cmd install --prefer-offline --reporter=append-only || return 1
  fi
  build_web
}

# Builds the dashboard's static bundle (services/web/dist, served by `yardstick serve`) when it is
# missing or older than anything it is built from; a few seconds.
build_web() {
  local out=services/web/dist/index.html
  if [ -f "$out" ] && [ -z "$(find services/web/src services/web/index.html services/web/vite.config.ts \
    services/web/package.json packages/report/src packages/metrics/src/stats.ts pnpm-lock.yaml \
    -newer "$out" -print -quit)" ]; then
    return 0
  fi
  echo "building the dashboard (services/web)" >&2
  pnpm_cmd --filter @yardstick/web build >&2
}
