#!/usr/bin/env bash
# What the suite (and, with --rehearse, `make rehearse`) needs from a Debian machine: Chromium,
# gettext, Korean fonts, the PostgreSQL client (and nginx, openssl, docker-compose), and
# PostgreSQL and Redis answering on their usual local ports. As root it installs what is missing and starts what is stopped; as anyone
# else it says in one sentence which command does it. `make test`, `make rehearse` and
# `.ci/run` all come through here, so a fresh machine needs nothing done by hand.
# Usage: ops/bootstrap.sh [--rehearse]
set -euo pipefail

rehearse=0
case "${1:-}" in
  "") ;;
  --rehearse) rehearse=1 ;;
  *) echo "Unknown option $1: use ops/bootstrap.sh or ops/bootstrap.sh --rehearse." >&2; exit 2 ;;
esac

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
pg_up() { have pg_isready && pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
redis_up() { have redis-cli && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; }

packages=()
have chromium || packages+=(chromium)
have msgfmt || packages+=(gettext)
# Read the whole list first: grep -q closing the pipe early fails the pipeline under pipefail.
fonts=$(fc-list : family 2>/dev/null || true)
grep -qi "Noto Sans CJK" <<<"$fonts" || packages+=(fonts-noto-cjk)
# `make venv` needs venv and ensurepip from the Python it runs (PYTHON, as in the Makefile).
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || packages+=(python3-venv)
have pg_dump || packages+=(postgresql-client)
have redis-cli || packages+=(redis-tools)
if [ "$rehearse" = 1 ]; then
  have nginx || packages+=(nginx-light)
  have openssl || packages+=(openssl)
  # The rehearsal's release runs on the system's Python, which the app user can reach.
  /usr/bin/python3 -c "import ensurepip, venv" >/dev/null 2>&1 || packages+=(python3-venv)
  have docker-compose || packages+=(docker-compose)
fi
services=()
pg_up || services+=(PostgreSQL)
redis_up || services+=(Redis)

if [ ${#packages[@]} -eq 0 ] && [ ${#services[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  lacks=("${packages[@]}")
  for service in "${services[@]}"; do lacks+=("a running $service"); done
  last="${lacks[-1]}"
  unset 'lacks[-1]'
  list="${lacks[*]:+$(IFS=,; echo "${lacks[*]}" | sed 's/,/, /g') and }$last"
  command="sudo ops/bootstrap.sh$([ "$rehearse" = 1 ] && echo " --rehearse" || true)"
  echo "This machine needs $list: run \`$command\` once (it installs and starts them), then make again." >&2
  exit 1
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "Installing ${packages[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

if ! pg_up; then
  cluster=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$cluster" ]; then
    echo "PostgreSQL is not installed here: install it (apt-get install postgresql) with user postgres trusted on $PG_HOST, or set DATABASE_URL to a server that runs." >&2
    exit 1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
fi
if ! redis_up; then
  if ! have redis-server; then
    echo "Redis is not installed here: install it (apt-get install redis-server), or set REDIS_URL to a server that runs." >&2
    exit 1
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 50); do
  pg_up && redis_up && exit 0
  sleep 0.2
done
echo "PostgreSQL or Redis did not answer within 10 s of starting: see /var/log/postgresql and /var/log/redis." >&2
exit 1
