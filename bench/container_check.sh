#!/usr/bin/env bash
# Build Harken's image, start it against PostgreSQL, and check the start page, the health
# endpoints, the image's own HEALTHCHECK, the user it runs as and what it does not contain.
#
#   bench/container_check.sh [--local-base]
#
# --local-base   build the Debian base image from Debian's packages first (mmdebstrap), for
#                machines that cannot reach a container registry (deploy/container/).
# PG_SERVER      the PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432,
#                no database name): the check creates and drops its own, harken_container_check.
# PORT           where the web container listens, on 127.0.0.1 (default 8400).
# ENGINE         podman (default) or docker.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${ENGINE:-podman}
PORT=${PORT:-8400}
IMAGE=${IMAGE:-localhost/harken:check}
BASE_IMAGE=${BASE_IMAGE:-docker.io/library/debian:bookworm-slim}
SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=harken_container_check
NAME=harken-check-web-$$

if [ "${1:-}" = "--local-base" ]; then
  BASE_IMAGE=localhost/harken-base:bookworm
  CONTAINER_ENGINE=$ENGINE deploy/container/build-base-image.sh --name "$BASE_IMAGE" \
    --ca-dir /usr/local/share/ca-certificates
fi

# Some machines (these sandboxes: cgroup v1 and v2 mounted together, a hard limit on
# processes) need runc rather than crun and limits no higher than the machine's own.
FLAGS=()
RUN_LIMITS=()
if ! "$ENGINE" run --rm "$BASE_IMAGE" true >/dev/null 2>&1; then
  FLAGS=(--runtime runc)
  RUN_LIMITS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
  "$ENGINE" "${FLAGS[@]}" run --rm "${RUN_LIMITS[@]}" "$BASE_IMAGE" true \
    || { echo "FAIL: no container starts here, even with runc"; exit 1; }
  echo "note: containers start here only with ${FLAGS[*]} ${RUN_LIMITS[*]}"
fi
engine() { "$ENGINE" "${FLAGS[@]}" "$@"; }

# podman's default image format (OCI) has no HEALTHCHECK: build Docker's format.
BUILD_FORMAT=()
[ "$ENGINE" = podman ] && BUILD_FORMAT=(--format docker)
started=$(date +%s)
engine build "${BUILD_FORMAT[@]}" --network host "${RUN_LIMITS[@]}" --build-arg BASE_IMAGE="$BASE_IMAGE" \
  -t "$IMAGE" . >/tmp/harken-container-build.log 2>&1 \
  || { tail -30 /tmp/harken-container-build.log; echo "FAIL: build"; exit 1; }
echo "built $IMAGE in $(( $(date +%s) - started )) s; size $(engine image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  engine rm -f "$NAME" >/dev/null 2>&1 || true
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

ENV=(-e DJANGO_SECRET_KEY=container-check-only -e "DATABASE_URL=$SERVER/$DB"
     -e DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost -e DJANGO_SECURE_COOKIES=0
     -e DJANGO_SECURE_SSL_REDIRECT=0 -e DJANGO_SECURE_HSTS_SECONDS=0
     -e "HARKEN_BIND=127.0.0.1:$PORT" -e HARKEN_METRICS_TOKEN=container-check)
RUN=(engine run --network host "${RUN_LIMITS[@]}" "${ENV[@]}")

fail() { echo "FAIL: $*"; engine logs "$NAME" 2>&1 | tail -20; exit 1; }

"${RUN[@]}" --rm --no-healthcheck -e HARKEN_DEMO_DATA=1 "$IMAGE" setup >/tmp/harken-container-setup.log 2>&1 \
  || { tail -20 /tmp/harken-container-setup.log; fail "setup (migrate, demo data)"; }
echo "setup: migrated, demo data loaded"

"${RUN[@]}" -d --name "$NAME" "$IMAGE" web >/dev/null
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" | grep -q '"ok"' || fail "/healthz"
echo "/healthz: $(curl -sS "http://127.0.0.1:$PORT/healthz")"
ready=$(curl -sS -o /tmp/harken-readyz.json -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")
[ "$ready" = 200 ] || fail "/readyz answered $ready: $(cat /tmp/harken-readyz.json)"
echo "/readyz: 200 $(cat /tmp/harken-readyz.json)"
start=$(curl -sS -o /tmp/harken-start.html -w '%{http_code}' "http://127.0.0.1:$PORT/")
[ "$start" = 200 ] && grep -qi "complaint" /tmp/harken-start.html || fail "start page: $start"
echo "start page: 200, $(grep -o '<title>[^<]*' /tmp/harken-start.html | head -1 | sed 's/<title>//')"
css=$(grep -o 'href="/static/[^"]*\.css"' /tmp/harken-start.html | head -1 | sed 's/href="//; s/"$//')
[ -n "$css" ] && [ "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$css")" = 200 ] \
  || fail "the start page's stylesheet ${css:-(none)}"
echo "stylesheet: 200 $css"
metrics=$(curl -sS -H "Authorization: Bearer container-check" "http://127.0.0.1:$PORT/metrics" \
  | grep -c '^harken_' || true)
[ "$metrics" -gt 0 ] || fail "/metrics"
echo "/metrics: $metrics harken_ samples"
engine healthcheck run "$NAME" >/dev/null && echo "HEALTHCHECK: healthy" || fail "HEALTHCHECK"

uid=$(engine run --rm --no-healthcheck "${RUN_LIMITS[@]}" --entrypoint id "$IMAGE" -u)
[ "$uid" = 10001 ] || fail "runs as uid $uid"
echo "runs as uid $uid (not root)"
tools=$(engine run --rm --no-healthcheck "${RUN_LIMITS[@]}" --entrypoint sh "$IMAGE" -c \
  'for t in gcc cc make uv pip pip3 apt-get; do command -v $t >/dev/null && echo $t; done; true' \
  | tr '\n' ' ')
echo "build tools in the image: ${tools:-none}"
case " $tools " in *" gcc "*|*" cc "*|*" uv "*|*" pip "*) fail "build tools in the final image" ;; esac
"${RUN[@]}" --rm --no-healthcheck "$IMAGE" run-scheduled --date 2026-11-23 | sed 's/^/run-scheduled: /'
"${RUN[@]}" --rm --no-healthcheck "$IMAGE" db_worker --batch --no-startup-delay 2>&1 \
  | grep -c "Task id=\|finished\|Running" | sed 's/^/worker: task lines logged: /' || true
echo "RESULT: OK"
