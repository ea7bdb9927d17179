#!/usr/bin/env bash
# Writes one progress report through luoshi serve's API with nothing but curl, ssh-keygen and
# python3 (for JSON): a session by signed challenge, then the two-phase write. The key stays here.
#   scripts/api-report.sh URL ACTOR KEY EVENT_JSON
# Prints each request and answer; exits non-zero at the first refusal.
set -euo pipefail
url=$1 actor=$2 key=$3 event=$4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
field() { python3 -c 'import json,sys; v=json.load(sys.stdin); [v:=v[k] for k in sys.argv[1:]]; print(v if isinstance(v,str) else json.dumps(v))' "$@"; }

echo "# 1. ask for a session challenge for $actor" >&2
curl -sS --fail-with-body -X POST "$url/api/v1/session" -d "{\"actor\": \"$actor\"}" > "$work/challenge.json"
id=$(field id < "$work/challenge.json")
field challenge < "$work/challenge.json" | head -c -1 > "$work/challenge.txt"
echo "# 2. sign it: ssh-keygen -Y sign -n luoshi-session" >&2
ssh-keygen -q -Y sign -n luoshi-session -f "$key" "$work/challenge.txt"
python3 -c 'import json,sys; print(json.dumps({"signature": open(sys.argv[1]).read()}))' "$work/challenge.txt.sig" > "$work/answer.json"
token=$(curl -sS --fail-with-body -X POST "$url/api/v1/session/$id" -d @"$work/answer.json" | field token)

echo "# 3. prepare the event: the server answers the exact commit to sign" >&2
curl -sS --fail-with-body -H "Authorization: Bearer $token" -X POST "$url/api/v1/events" -d "$event" > "$work/pending.json"
pending=$(field pending < "$work/pending.json")
field commits < "$work/pending.json" | python3 -c 'import json,sys,base64; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)[0]["buffer"]))' > "$work/commit"
sed 's/^/    /' "$work/commit" >&2
echo "# 4. sign the commit: ssh-keygen -Y sign -n git" >&2
ssh-keygen -q -Y sign -n git -f "$key" "$work/commit"
python3 -c 'import json,sys; print(json.dumps({"signatures": [open(sys.argv[1]).read()]}))' "$work/commit.sig" > "$work/signatures.json"
echo "# 5. send the signature: the server checks it and moves main" >&2
curl -sS --fail-with-body -X POST "$url/api/v1/events/$pending/signatures" -d @"$work/signatures.json"
