#!/usr/bin/env bash
# Builds the sample ledger from ledger/events.jsonl into DEMO_DIR, verifies it, and prints what a
# supervisor looks at first. Safe to re-run: the demo ledger is rebuilt from scratch each time.
set -euo pipefail
luoshi=$(realpath "$1")
out=${2:-demo}
cd "$(dirname "$0")/.."
mkdir -p "$out"
ledger="$out/ledger"
bash scripts/load-sample.sh ledger/events.jsonl "$ledger" "$luoshi" >/dev/null
directive=$(python3 -c 'import json,sys
for l in open("ledger/events.jsonl", encoding="utf-8"):
    l = l.strip()
    if l and not l.startswith("#"):
        e = json.loads(l)
        if e["action"] == "issue-directive": print(e["directive"]["id"]); break')
# Read the sample as of its last day, not today: it is a story of one year.
asof=$(python3 -c 'import json
ats = [json.loads(l)["at"][:10] for l in open("ledger/events.jsonl", encoding="utf-8") if l.strip() and not l.startswith("#")]
print(max(ats))')
echo "== Ledger: $ledger (read as of $asof)"
"$luoshi" verify --ledger "$ledger"
echo
echo "== Where the plans depart from what they were given (each unit against its own basis)"
for unit in $(git --git-dir "$ledger" ls-tree -r --name-only refs/heads/main "directives/$directive/plans" | sed -n 's|^directives/[^/]*/plans/\(.*\)/plan.json$|\1|p'); do
  "$luoshi" diff --ledger "$ledger" --directive "$directive" --unit "$unit" --format json \
    | python3 -c 'import json,sys
d = json.load(sys.stdin)
changed = [c["basisId"] + ":" + c["class"] for c in d["clauses"] if c["class"] not in ("faithful", "reworded")]
added = [a["id"] for a in d["added"]]
unit = d["unit"]
print(f"  {unit:<16} " + (", ".join(changed + ["+" + a + ":added" for a in added]) or "faithful"))'
done
echo
echo "== The deepest chain"
deepest=$(git --git-dir "$ledger" ls-tree -r --name-only refs/heads/main "directives/$directive/plans" | sed -n 's|^directives/[^/]*/plans/\(.*\)/plan.json$|\1|p' | awk -F/ '{print NF, $0}' | sort -rn | head -1 | cut -d' ' -f2)
"$luoshi" chain --ledger "$ledger" --directive "$directive" --unit "$deepest" | sed -n '1,/^$/p;/^Targets/,/^$/p' 
echo
echo "== Flags"
"$luoshi" flags --ledger "$ledger" --as-of "$asof"
