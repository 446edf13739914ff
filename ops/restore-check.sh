#!/usr/bin/env bash
# Restore a dump into a new, empty database and check that every table has the rows of the source.
# Usage: ops/restore-check.sh DUMP_FILE SOURCE_DATABASE_URL [TARGET_DB_NAME]
# Leaves the restored database in place when the counts differ, and exits 1.
set -euo pipefail
dump="$1"
source_url="$2"
target="${3:-flexwork_restore_check}"
server_url="${source_url%/*}"

psql -q -v ON_ERROR_STOP=1 "$server_url/postgres" -c "DROP DATABASE IF EXISTS \"$target\"" -c "CREATE DATABASE \"$target\""
pg_restore --no-owner --exit-on-error --dbname="$server_url/$target" "$dump"

count_rows() {
  psql -At "$1" -c "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE' ORDER BY 1" |
  while read -r table; do
    printf '%s %s\n' "$table" "$(psql -At "$1" -c "SELECT count(*) FROM \"$table\"")"
  done
}

differences=$(mktemp)
trap 'rm -f "$differences"' EXIT
diff <(count_rows "$source_url") <(count_rows "$server_url/$target") > "$differences" || {
  echo "restore check FAILED: row counts differ (restored database $target kept):"
  cat "$differences"
  exit 1
}
tables=$(count_rows "$server_url/$target" | wc -l)
echo "restore check OK: $tables tables, identical row counts"
psql -q "$server_url/postgres" -c "DROP DATABASE \"$target\""
