#!/usr/bin/env bash
# Fuzz the demo's API with schemathesis for a fixed time: every check (--checks all), no check
# excluded, positive and negative data, as the demo brand and as the demo artist in turn.
#
#   scripts/fuzz_demo.sh            # 300 s in all (150 s per login)
#   FUZZ_SECONDS=600 scripts/fuzz_demo.sh
#
# The demo as `make run` builds it (SQLite, eager tasks, the fake Stripe, seed_demo), in a private
# folder and on private ports, served by gunicorn (runserver is much slower under load). The
# per-user write throttles are raised for the run: with them, most writes would be a 429 after a
# few seconds (they are tested on their own, tests/security/test_hardening.py). Prints
# schemathesis' summary for each login; the JUnit reports are left in $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
SECONDS_TOTAL=${FUZZ_SECONDS:-300}
PORT=${FUZZ_PORT:-8097}
STRIPE_PORT=${FUZZ_STRIPE_PORT:-8437}
OUT=${FUZZ_OUT:-/tmp/aux-fuzz-demo}
rm -rf "$OUT" && mkdir -p "$OUT"

export DEBUG=1 DATABASE_URL="sqlite:///$OUT/db.sqlite3" MEDIA_ROOT="$OUT/media"
export AUX_SNAPSHOT_DIR="$OUT/snapshot" STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT"
export EMAIL_URL="dummymail://" AUX_THROTTLE_OFFERS=100000/hour AUX_THROTTLE_MESSAGES=100000/hour
export AUX_THROTTLE_TOKEN=1000/min

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

$BIN/python -m payments.devstripe --port "$STRIPE_PORT" --quiet >"$OUT/stripe.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$STRIPE_PORT/js.stripe.com/v3/" >/dev/null 2>&1 && break; sleep 0.1
done
$BIN/python manage.py migrate --noinput >/dev/null
$BIN/python manage.py seed_demo >"$OUT/seed.log" 2>&1
$BIN/gunicorn aux.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 60 --access-logfile "$OUT/access.log" \
  >"$OUT/gunicorn.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

demo() { $BIN/python manage.py shell -v 0 -c "from aux.demo import DEMO_LOGINS, DEMO_PASSWORD; print($1)"; }
password=$(demo DEMO_PASSWORD)
per_login=$((SECONDS_TOTAL / 2))
status=0
for login in brand artist; do
  email=$(demo "DEMO_LOGINS['$login']")
  token=$(curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"$password\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/token/" | $BIN/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  echo "==> schemathesis as the demo $login, $per_login s, --checks all"
  $BIN/schemathesis run "http://127.0.0.1:$PORT/api/schema/" --checks all --mode all \
    --max-time "$per_login" --seed 2026 --continue-on-failure --no-color \
    -H "Authorization: Token $token" \
    --report junit --report-junit-path "$OUT/junit-$login.xml" 2>&1 | tee "$OUT/$login.txt" \
    | sed -n '/SUMMARY/,$p' || status=1
done
echo "==> requests served: $(wc -l <"$OUT/access.log"), server errors (5xx): $(grep -c '" 5[0-9][0-9] ' "$OUT/access.log" || true)"
exit $status
