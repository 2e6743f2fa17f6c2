#!/usr/bin/env bash
# The Dockerfile's steps on this machine, without Docker. Reads examples/deploy/Dockerfile and:
# copies what its COPY lines copy into an empty directory; runs its `RUN deno ...` step there with
# an empty DENO_DIR; starts its CMD (with --host 127.0.0.1 and a free port instead of 0.0.0.0:8000)
# with its ENV; checks GET /health, its HEALTHCHECK command, and that the KV file appears in the
# data directory; checks that the test-only packages were not cached; stops the server with SIGTERM (as
# `docker stop` does) and checks that it exits 0 after logging "shutdown".
#
#   bash examples/deploy/docker-smoke.sh      (the RUN step needs npm registry access)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE=0 NO_COLOR=1
DOCKERFILE=examples/deploy/Dockerfile

WORK="$(mktemp -d -t tlsync-docker-smoke-XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$WORK/server.log" ] && cat "$WORK/server.log"; exit 1; }

# Instructions from the Dockerfile (continuation lines joined).
instr() { python3 - "$DOCKERFILE" "$1" <<'PY'
import json, re, sys
text = re.sub(r"\\\n", " ", open(sys.argv[1]).read())
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]
kind = sys.argv[2]
for l in lines:
    word, _, rest = l.partition(" ")
    if kind == "COPY" and word == "COPY":
        print(" ".join(a for a in rest.split() if not a.startswith("--")))
    elif kind == "RUN" and word == "RUN" and rest.startswith("deno "):
        print(rest)
    elif kind == "ENV" and word == "ENV":
        for k, v in re.findall(r"(\w+)=(\S+)", rest):
            print(f"{k}={v}")
    elif kind in ("CMD", "HEALTHCHECK") and word == kind:
        print("\n".join(json.loads(rest[rest.index("["):])))
PY
}

mkdir -p "$WORK/app" "$WORK/data" "$WORK/deno-dir"
while read -r line; do
  read -ra parts <<<"$line"
  dest="${parts[-1]}"
  for src in "${parts[@]:0:${#parts[@]}-1}"; do cp -r "${src%/}" "$WORK/app/$dest"; done
done < <(instr COPY)
[ -f "$WORK/app/mod.ts" ] && [ -d "$WORK/app/src" ] || fail "COPY lines did not copy mod.ts and src/"

DENO_BIN="$(npx -y deno@2.9.6 eval 'console.log(Deno.execPath())')"
mkdir -p "$WORK/bin" && ln -s "$DENO_BIN" "$WORK/bin/deno"
export PATH="$WORK/bin:$PATH" DENO_DIR="$WORK/deno-dir"

while read -r run; do
  echo "== RUN $run"
  (cd "$WORK/app" && bash -c "$run") || fail "RUN step failed"
done < <(instr RUN)
# Test-only packages (@tldraw/state and @tldraw/validate are devDependencies too, but also
# dependencies of @tldraw/store).
for dev in @tldraw/sync-core playwright-core; do
  [ ! -e "$DENO_DIR/npm/registry.npmjs.org/$dev" ] || fail "devDependency $dev was cached"
done

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mapfile -t CMD < <(instr CMD | sed -e 's/^0\.0\.0\.0$/127.0.0.1/' -e "s/^8000$/$PORT/")
mapfile -t ENVS < <(instr ENV | sed "s#=/data/#=$WORK/data/#")
echo "== CMD ${CMD[*]}  (ENV ${ENVS[*]})"
(cd "$WORK/app" && exec env "${ENVS[@]}" "${CMD[@]}") >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

body=""
for _ in $(seq 1 60); do
  body="$(curl -fsS "http://127.0.0.1:$PORT/health" 2>/dev/null)" && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited"
  sleep 0.5
done
case "$body" in *'"ok":true'*) echo "health: $body" ;; *) fail "/health: '$body'" ;; esac
mapfile -t CHECK < <(instr HEALTHCHECK | sed "s/:8000/:$PORT/")
"${CHECK[@]}" || fail "HEALTHCHECK command failed"

for _ in $(seq 1 20); do [ -e "$WORK/data/tlsync.kv.sqlite3" ] && break; sleep 0.5; done
[ -e "$WORK/data/tlsync.kv.sqlite3" ] || fail "no KV file in the data directory"
! grep -q storage_unavailable "$WORK/server.log" || fail "server fell back to memory"

echo "== docker stop (SIGTERM)"
kill -TERM "$SERVER_PID"
rc=0
wait "$SERVER_PID" || rc=$?
SERVER_PID=""
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM"
grep -q '"event":"shutdown"' "$WORK/server.log" || fail "no shutdown log line"
echo "PASS: the Dockerfile's steps build and serve (no devDependencies, KV file in /data)"
