#!/usr/bin/env bash
# The benchmark of issue 6 in one command (10 to 15 minutes on 2 cores):
#
#   bash benchmarks/run.sh
#
# Creates a fresh PostgreSQL database (BENCH_DATABASE, default transfer_portal_bench, on
# 127.0.0.1:5432 as user postgres), migrates, loads the initial content, counts the
# queries per page on that small data, adds the large sample portal (benchmarks/generate.py),
# collects the static files, renders every page uncached in process against floor (b)
# (issue 18; alone: python -m benchmarks.run --in-process-only) and runs wrk against
# gunicorn (2 workers, production settings, Redis database 5) on loopback. Writes benchmarks/RESULTS.md. Needs wrk, PostgreSQL and
# Redis (apt-get install wrk postgresql redis-server). The database is dropped and
# recreated on every run; Redis database 5 is flushed.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DATABASE=${BENCH_DATABASE:-transfer_portal_bench}
PG="postgres://postgres@127.0.0.1:5432"
export DATABASE_URL="$PG/$BENCH_DATABASE"
export DJANGO_SETTINGS_MODULE=transfer_portal.settings
export DJANGO_BENCHMARK_MODE=1   # adds the floor views under /benchmark/
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver
export DJANGO_SECURE_SSL_REDIRECT=0   # loopback speaks plain HTTP; TLS ends at the proxy
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/5}
export DJANGO_LOG_LEVEL=WARNING
export GUNICORN_LOG_LEVEL=warning

for tool in wrk psql redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (see the comment at the top)"; exit 1; }
done
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
redis-cli -u "$REDIS_URL" ping >/dev/null || { echo "Redis does not answer at $REDIS_URL"; exit 1; }

seed_queries=$(mktemp)
trap 'rm -f "$seed_queries"' EXIT

echo "== Bytecode compiled ahead, as in production (README, Produktion)"
uv sync --locked --compile-bytecode --quiet
uv run python -m compileall -q transfer_portal projects surveys offers benchmarks

echo "== Fresh database $BENCH_DATABASE"
psql -q -v ON_ERROR_STOP=1 "$PG/postgres" -c "DROP DATABASE IF EXISTS $BENCH_DATABASE WITH (FORCE)" \
  -c "CREATE DATABASE $BENCH_DATABASE" \
  -c "ALTER DATABASE $BENCH_DATABASE SET random_page_cost = 1.1"  # as README recommends
redis-cli -u "$REDIS_URL" flushdb >/dev/null
uv run python manage.py migrate --verbosity 0
uv run python manage.py load_initial_content
uv run python manage.py collectstatic --noinput --verbosity 0

echo "== Query counts on the initial content"
uv run python -m benchmarks.run --count-queries "$seed_queries" >/dev/null

echo "== Large sample portal"
uv run python -m benchmarks.generate
psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "VACUUM ANALYZE"

echo "== Uncached in process, then the load run"
uv run python -m benchmarks.run --seed-queries "$seed_queries"
