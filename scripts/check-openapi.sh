#!/usr/bin/env bash
# Checks the server against its OpenAPI description with schemathesis (pip install schemathesis):
# loads scenarios/burden-2019.jsonl into a temporary ledger, serves it with --public on a free
# loopback port, and runs schemathesis on every operation with a bounded number of examples,
# checking that no answer is a server error and every answer matches the description.
#   scripts/check-openapi.sh LUOSHI_BINARY [MAX_EXAMPLES]
# Exits non-zero when schemathesis finds a failure.
set -euo pipefail
luoshi=$(realpath "${1:?usage: check-openapi.sh LUOSHI_BINARY [MAX_EXAMPLES]}")
examples=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
# Through the interpreter, so a console script missing from PATH (pip --user, pyenv) does not matter.
python3 -m schemathesis.cli --version >/dev/null 2>&1 || { echo "check-openapi: schemathesis not found (pip install schemathesis)" >&2; exit 2; }
work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/scenarios/load.sh" "$root/scenarios/burden-2019.jsonl" "$work/ledger" "$luoshi" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$luoshi" serve --ledger "$work/ledger" --public --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
status=0
python3 -m schemathesis.cli run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$examples" --workers 1 --seed 2019 \
  --suppress-health-check all || status=$?
if grep -q ' 5[0-9][0-9] ' "$work/serve.log"; then
  echo "check-openapi: the server answered 5xx; from its log:" >&2
  grep ' 5[0-9][0-9] \|error' "$work/serve.log" | head -20 >&2
  status=1
fi
exit $status
