#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are up on loopback for tests and development (and, with
# --browser, that Debian's Chromium is installed for the report's browser test):
# uses them if running, starts them if installed, installs them from Debian's packages if absent,
# creates the databases, and sets Redis's maxmemory-policy to noeviction (BullMQ requires it).
# Idempotent: run it as often as you like.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}
DATABASES=${YARDSTICK_DATABASES:-test yardstick}

log() { printf '[services] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else log "need root for: $*"; return 1; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_for() { # wait_for <description> <command...>
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$what did not come up"; return 1
}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
pg_sql() { psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_up; then
    log "PostgreSQL is running on $PGHOST:$PGPORT"
  else
    if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql postgresql-client; fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ]; then
      version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
      as_root pg_createcluster "$version" main >/dev/null
    fi
    local conf=/etc/postgresql/$version/main
    # Loopback only, trust auth: this is a test and development database on this machine.
    if ! as_root grep -q '^# yardstick: loopback trust' "$conf/pg_hba.conf"; then
      as_root sh -c "printf '%s\n' '# yardstick: loopback trust' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' 'local all all trust' | cat - '$conf/pg_hba.conf' > '$conf/pg_hba.conf.new' && mv '$conf/pg_hba.conf.new' '$conf/pg_hba.conf'"
      as_root chown postgres:postgres "$conf/pg_hba.conf"
    fi
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main restart
    wait_for PostgreSQL pg_up
  fi
  for db in $DATABASES; do
    if [ "$(pg_sql -c "select 1 from pg_database where datname = '$db'")" != "1" ]; then
      log "creating database $db"
      pg_sql -c "create database \"$db\"" || pg_sql -c "select 1 from pg_database where datname = '$db'" | grep -q 1
    fi
  done
}

redis_up() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  if command -v redis-cli >/dev/null && redis_up; then
    log "Redis is running on $REDIS_HOST:$REDIS_PORT"
  else
    if ! command -v redis-server >/dev/null; then apt_install redis-server; fi
    as_root mkdir -p /var/lib/redis /var/log/redis
    log "starting Redis"
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/yardstick.log --maxmemory-policy noeviction
    wait_for Redis redis_up
  fi
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" config set maxmemory-policy noeviction >/dev/null
}

# Headless Chromium for the report's browser test (Debian's package: no browser download).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    log "Chromium is installed"
  else
    apt_install chromium fonts-dejavu-core || log "could not install Chromium: the report's browser test will say so"
  fi
}

# promtool (Debian's prometheus package) checks and unit-tests infra/prometheus/alerts.yml.
ensure_promtool() {
  if command -v promtool >/dev/null; then
    log "promtool is installed"
  else
    apt_install prometheus || log "could not install promtool: the alert rules' promtool checks will be skipped"
  fi
}

ensure_postgres
ensure_redis
for arg in "$@"; do
  [ "$arg" = "--browser" ] && ensure_chromium
  [ "$arg" = "--promtool" ] && ensure_promtool
done
log "ready: postgres://postgres@$PGHOST:$PGPORT/test redis://$REDIS_HOST:$REDIS_PORT"
