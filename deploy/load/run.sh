#!/usr/bin/env bash
# `make load`: LOAD_USERS simulated learners (200) for LOAD_SECONDS (60) against `make stack`,
# then the ledger check on the stack's database. Exit 1 when over 0.1% of requests failed or
# the ledger disagrees. Traffic goes to 127.0.0.1 only, and the run stops by itself.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
USERS=${LOAD_USERS:-200}
SECONDS_=${LOAD_SECONDS:-60}
PORT=${STACK_PORT:-8080}

"$REPO/deploy/stack.sh" up >/dev/null
status=0
"$REPO/.venv/bin/locust" -f "$REPO/deploy/load/locustfile.py" --headless --only-summary \
  -u "$USERS" -r 20 -t "${SECONDS_}s" --host "http://127.0.0.1:$PORT" >"$REPO/.stack/load.log" 2>&1 || status=$?
grep -E '^load:|^(GET|POST) |Aggregated' "$REPO/.stack/load.log" | head -40
DJANGO_DEBUG=1 DATABASE_URL="postgres://postgres@127.0.0.1:5432/${STACK_DB:-raiplay_stack}" \
  "$REPO/.venv/bin/python" "$REPO/manage.py" check_ledger 2>/dev/null
exit "$status"
