#!/usr/bin/env bash
# Every benchmark in bench/*.py, one after the other, each with its defaults (or --quick where
# the script takes it, when this script is given --quick). Prints how long each took and
# keeps each one's output in var/bench/<name>.txt; a failing benchmark does not stop the rest,
# but makes the exit status non-zero.
#
#     bench/run_all.sh [--quick]
#
# `make bench` runs the same scripts with their defaults (stopping at the first failure).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_LOCAL_HTTP=${DJANGO_LOCAL_HTTP:-1}
QUICK=""
[ "${1:-}" = "--quick" ] && QUICK=1
mkdir -p var/bench
status=0
summary=()
for script in bench/*.py; do
  name=$(basename "$script" .py)
  [ "$name" = benchlib ] && continue  # shared helpers, not a benchmark
  args=()
  if [ -n "$QUICK" ] && grep -q -- '"--quick"' "$script"; then
    args=(--quick)
  fi
  echo "== $script ${args[*]:-}"
  started=$(date +%s)
  "$PY" "$script" "${args[@]}" 2>&1 | tee "var/bench/$name.txt"
  rc=${PIPESTATUS[0]}
  took=$(( $(date +%s) - started ))
  [ "$rc" -eq 0 ] || status=1
  summary+=("$(printf '%-22s %4ss  exit %s' "$name" "$took" "$rc")")
done
echo
echo "== summary (machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
printf '%s\n' "${summary[@]}"
exit $status
