#!/usr/bin/env bash
# Runs the default server behind nginx.conf and the Caddyfile from this folder, each on local
# ports with a throw-away certificate (nginx: self-signed; Caddy: `tls internal`), and checks
# GET /health and a sync handshake over wss:// through each. Skips a proxy that is not installed.
#   bash examples/deploy/proxy-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE=0 NO_COLOR=1
# The deno binary itself (not the npx wrapper), so that the PID we stop is the server's.
DENO_BIN="$(npx -y deno@2.9.6 eval 'console.log(Deno.execPath())')"
WORK="$(mktemp -d -t tlsync-proxy-smoke-XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 60); do curl -fsk "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done; return 1; }
probe() { "$DENO_BIN" run -A --unsafely-ignore-certificate-errors examples/deploy/_ws_probe.ts "$1"; }

APP="$(port)"
TLSYNC_DATA=:memory: "$DENO_BIN" serve --host 127.0.0.1 --port "$APP" --allow-all mod.ts \
  >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$APP/health" || { cat "$WORK/server.log"; exit 1; }

if command -v nginx >/dev/null; then
  HTTP="$(port)" HTTPS="$(port)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
  sed -e "s#/etc/letsencrypt/live/sync.example.com/fullchain.pem#$WORK/cert.pem#" \
    -e "s#/etc/letsencrypt/live/sync.example.com/privkey.pem#$WORK/key.pem#" \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP;#; /listen \[::\]/d" \
    -e "s#listen 443 ssl;#listen 127.0.0.1:$HTTPS ssl;#" \
    -e "s#server 127.0.0.1:8787;#server 127.0.0.1:$APP;#" examples/deploy/nginx.conf >"$WORK/site.conf"
  cat >"$WORK/nginx-main.conf" <<CONF
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log $WORK/nginx-access.log;
  client_body_temp_path $WORK;
  proxy_temp_path $WORK;
  include $WORK/site.conf;
}
CONF
  nginx -t -q -c "$WORK/nginx-main.conf" -p "$WORK"
  nginx -c "$WORK/nginx-main.conf" -p "$WORK" &
  PIDS+=($!)
  wait_http "https://127.0.0.1:$HTTPS/health" || { cat "$WORK/nginx-error.log"; exit 1; }
  probe "https://127.0.0.1:$HTTPS"
else
  echo "skip: nginx not installed"
fi

if command -v caddy >/dev/null; then
  HTTP="$(port)" HTTPS="$(port)"
  {
    printf '{\n\tadmin off\n\tskip_install_trust\n\thttp_port %s\n\thttps_port %s\n}\n' "$HTTP" "$HTTPS"
    sed -e "s#^sync.example.com {#https://localhost:$HTTPS {\n\ttls internal#" \
      -e "s#127.0.0.1:8787#127.0.0.1:$APP#" examples/deploy/Caddyfile
  } >"$WORK/Caddyfile"
  XDG_DATA_HOME="$WORK/caddy-data" XDG_CONFIG_HOME="$WORK/caddy-config" \
    caddy run --config "$WORK/Caddyfile" --adapter caddyfile >"$WORK/caddy.log" 2>&1 &
  PIDS+=($!)
  wait_http "https://localhost:$HTTPS/health" || { cat "$WORK/caddy.log"; exit 1; }
  probe "https://localhost:$HTTPS"
else
  echo "skip: caddy not installed"
fi
echo "PASS"
