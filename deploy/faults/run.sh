#!/usr/bin/env bash
# `make faults`: Redis and PostgreSQL failing under traffic, against the stack on a private
# PostgreSQL cluster and a private Redis (see deploy/faults/faults.py). Needs the PostgreSQL
# server binaries, redis-server and nginx (deploy/stack.sh installs nginx when it can).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec .venv/bin/python deploy/faults/faults.py "$@"
