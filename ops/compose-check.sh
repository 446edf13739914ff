#!/usr/bin/env bash
# docker-compose.yml as Debian's docker-compose reads it: valid with the example values of
# ops/compose.example.env, and refused when the SMS provider is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v docker-compose >/dev/null || {
  echo "docker-compose is not installed: run \`sudo ops/bootstrap.sh --rehearse\` once." >&2
  exit 1
}
# Only the example values: nothing of the caller's environment may fill a required variable.
compose() { env -i PATH="$PATH" docker-compose --env-file "$1" -f docker-compose.yml config -q; }
compose ops/compose.example.env
without_sms=$(mktemp)
trap 'rm -f "$without_sms"' EXIT
grep -v '^SMS_PROVIDER=' ops/compose.example.env > "$without_sms"
if compose "$without_sms" 2>/dev/null; then
  echo "docker-compose.yml starts without SMS_PROVIDER: it must refuse." >&2
  exit 1
fi
echo "docker-compose.yml: valid with ops/compose.example.env; refused without SMS_PROVIDER"
