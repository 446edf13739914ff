#!/usr/bin/env bash
# Dump the database in PostgreSQL's custom format: ops/backup.sh [DATABASE_URL] [OUT_FILE]
set -euo pipefail
url="${1:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/flexwork}}"
out="${2:-flexwork-$(date +%Y%m%d-%H%M%S).dump}"
pg_dump --format=custom --no-owner --file="$out" "$url"
echo "$out"
