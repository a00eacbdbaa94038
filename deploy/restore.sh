#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into the database named by DATABASE_URL:
#
#   createdb -h db -U postgres portal_restored
#   DATABASE_URL=postgres://portal:…@db:5432/portal_restored deploy/restore.sh FILE
#
# The target must be an empty database (create a fresh one, restore, check, then point the
# portal's DATABASE_URL at it). With --clean, existing tables of the portal are dropped and
# replaced instead. Everything happens in one transaction: on any error nothing changes.
set -euo pipefail

clean=()
if [ "${1:-}" = "--clean" ]; then
  clean=(--clean --if-exists)
  shift
fi
dump=${1:?usage: restore.sh [--clean] FILE}
: "${DATABASE_URL:?DATABASE_URL must name the database to restore into}"
[ -r "$dump" ] || { echo "Cannot read $dump" >&2; exit 1; }

if [ ${#clean[@]} -eq 0 ]; then
  tables=$(psql "$DATABASE_URL" -Atc \
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
  if [ "$tables" != "0" ]; then
    echo "The target database is not empty ($tables tables). Use a fresh one or --clean." >&2
    exit 1
  fi
fi
pg_restore "${clean[@]}" --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$dump"
echo "Restored $dump"
