#!/usr/bin/env bash
# `make rehearse`: what the machine needs (ops/bootstrap.sh --rehearse), then the rehearsal
# itself (ops/rehearse/run.py), which prints one line per check and the summary line last.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash ops/bootstrap.sh --rehearse
exec .venv/bin/python ops/rehearse/run.py
