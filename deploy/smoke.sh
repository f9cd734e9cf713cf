#!/usr/bin/env bash
# The production way to run Retour, tried (CI, docs/operations.md): production settings (no
# RETOUR_DEBUG), a migrated SQLite database, collected static files, `retour check --deploy`
# without a warning, then gunicorn with deploy/gunicorn.conf.py on a free port, asked as the
# TLS proxy asks (X-Forwarded-Proto) and as a load balancer asks (plain HTTP).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "smoke: $*" >&2; [ -f "$work/gunicorn.log" ] && tail -40 "$work/gunicorn.log" >&2; exit 1; }

unset RETOUR_DEBUG RETOUR_DATABASE_URL
RETOUR_SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export RETOUR_SECRET_KEY
export RETOUR_DATA_DIR="$work" RETOUR_ALLOWED_HOSTS=127.0.0.1 \
    RETOUR_AUDIT_KEY_DIR="$work/audit-keys" RETOUR_DATA_KEY_DIR="$work/data-keys"
port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export RETOUR_BIND="127.0.0.1:$port" RETOUR_WORKERS=2
base="http://127.0.0.1:$port"

"$BIN/retour" audit new-key >/dev/null
"$BIN/retour" encryption new-key >/dev/null
"$BIN/retour" migrate --no-input -v 0
"$BIN/retour" collectstatic --no-input -v 0
"$BIN/retour" check --deploy --fail-level WARNING

"$BIN/gunicorn" --config deploy/gunicorn.conf.py retour.wsgi:application >"$work/gunicorn.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$base/healthz" && break
    kill -0 "$server" 2>/dev/null || fail "gunicorn stopped"
    sleep 0.5
done

body=$(curl -fs "$base/healthz") || fail "/healthz did not answer"
[ "$body" = '{"status": "ok"}' ] || fail "/healthz told an anonymous caller more than ok: $body"

headers=$(curl -fs -D - -o /dev/null -H 'X-Forwarded-Proto: https' "$base/healthz") \
    || fail "/healthz did not answer behind the proxy"
echo "$headers" | grep -qi '^strict-transport-security: max-age=31536000; includeSubDomains; preload' \
    || fail "no HSTS behind the proxy: $headers"
server_header=$(echo "$headers" | grep -i '^server:' || true)
echo "$server_header" | grep -q '[0-9]' && fail "the Server header names a version: $server_header"

stylesheet=$("$BIN/python" -c 'import json, sys; paths = json.load(open(sys.argv[1]))["paths"]; print(next(v for k, v in paths.items() if k.startswith("retour/") and k.endswith(".css")))' "$work/static/staticfiles.json")
static=$(curl -fs -D - -o /dev/null -H 'X-Forwarded-Proto: https' "$base/static/$stylesheet") \
    || fail "static file $stylesheet not served"
echo "$static" | grep -qi '^cache-control: max-age=315360000, public, immutable' \
    || fail "static file $stylesheet without a long cache header: $static"

redirect=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/accounts/login/")
[ "$redirect" = "301 https://127.0.0.1:$port/accounts/login/" ] \
    || fail "plain HTTP not sent to HTTPS: $redirect"

echo "smoke: gunicorn with the production settings: check --deploy clean, /healthz ok, HSTS, no server version, $stylesheet cached for a year, HTTP redirected"
