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
    pnpm_cmd install --frozen-lockfile --reporter=append-only
  else
    pnpm_cmd install --prefer-offline --reporter=append-only
  fi
}
