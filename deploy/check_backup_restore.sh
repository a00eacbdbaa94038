#!/usr/bin/env bash
# End-to-end check of backup and restore: backs up the database named by DATABASE_URL with
# deploy/backup.sh, restores it with deploy/restore.sh into a fresh database on the same
# server, compares the row count of every table and drops the copy again.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/transfer_portal deploy/check_backup_restore.sh
#
# Exits non-zero if anything fails or any count differs. The role needs CREATEDB. Run it
# against a quiet database (staging, a copy): rows written meanwhile count as differences.
set -euo pipefail
cd "$(dirname "$0")"

: "${DATABASE_URL:?DATABASE_URL must name the database to check}"
source_url=${DATABASE_URL%%\?*}
server_url=${source_url%/*}
copy="${source_url##*/}_restore_check_$$"
copy_url="$server_url/$copy"
work=$(mktemp -d)

cleanup() {
  rm -rf "$work"
  psql -q "$server_url/postgres" -c "DROP DATABASE IF EXISTS \"$copy\" WITH (FORCE)" || true
}
trap cleanup EXIT

row_counts() {
  # One line per table of the public schema: name|rows, counted exactly.
  psql "$1" -At -c "
    SELECT table_name, (xpath('/row/n/text()', query_to_xml(
             format('SELECT count(*) AS n FROM public.%I', table_name), false, true, '')))[1]
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    ORDER BY table_name"
}

DATABASE_URL=$source_url ./backup.sh "$work/backup.dump"
psql -q -v ON_ERROR_STOP=1 "$server_url/postgres" -c "CREATE DATABASE \"$copy\""
DATABASE_URL=$copy_url ./restore.sh "$work/backup.dump"

row_counts "$source_url" > "$work/source.txt"
row_counts "$copy_url" > "$work/copy.txt"
if ! diff -u "$work/source.txt" "$work/copy.txt"; then
  echo "FAILED: the restored database differs from the original (see above)." >&2
  exit 1
fi
echo "OK: $(wc -l < "$work/source.txt") tables, $(awk -F'|' '{s+=$2} END {print s}' \
  "$work/source.txt") rows, identical after backup and restore."
