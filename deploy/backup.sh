#!/usr/bin/env bash
# Back up the portal's PostgreSQL database in pg_dump's custom format (compressed, restored
# selectively and in parallel by pg_restore):
#
#   DATABASE_URL=postgres://portal:…@db:5432/portal deploy/backup.sh [FILE]
#
# Without FILE the dump goes to $BACKUP_DIR (default ./backups) as
# transfer_portal-YYYYmmdd-HHMMSS.dump; dumps older than $BACKUP_KEEP_DAYS (default 30)
# are deleted there afterwards. The file appears only when the dump is complete.
# Uploaded files ($DJANGO_MEDIA_ROOT) are not in the database: back them up as files.
set -euo pipefail
# Dumps hold personal data (e-mail addresses, password hashes): readable by the owner only.
umask 077

: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
BACKUP_DIR=${BACKUP_DIR:-backups}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-30}
target=${1:-$BACKUP_DIR/transfer_portal-$(date +%Y%m%d-%H%M%S).dump}

mkdir -p "$(dirname "$target")"
if [ $# -eq 0 ]; then chmod 700 "$BACKUP_DIR"; fi
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$partial" "$DATABASE_URL"
mv "$partial" "$target"
echo "Backup written: $target ($(du -h "$target" | cut -f1))"

if [ $# -eq 0 ]; then
  find "$BACKUP_DIR" -name 'transfer_portal-*.dump' -mtime +"$BACKUP_KEEP_DAYS" -print -delete
fi
