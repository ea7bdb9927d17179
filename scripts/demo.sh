#!/usr/bin/env bash
# Builds the sample ledger from ledger/events.jsonl into DEMO_DIR, verifies it, prints a supervisor's
# summary (adoption, fidelity per unit, the worst deviations, the flags by kind) and writes
# DEMO_DIR/report.html. Safe to re-run: the demo ledger and the report are rebuilt from scratch each time.
#   demo.sh LUOSHI_BINARY [DEMO_DIR]
set -euo pipefail
luoshi=$(realpath "$1")
out=${2:-demo}
cd "$(dirname "$0")/.."
mkdir -p "$out"
ledger="$out/ledger"
bash scripts/load-sample.sh ledger/events.jsonl "$ledger" "$luoshi" >/dev/null
# The first directive of the sample, and its last day: the sample is a story of one year, read as it
# stood then, not today.
read -r directive asof < <(python3 -c 'import json
events = [json.loads(l) for l in open("ledger/events.jsonl", encoding="utf-8") if l.strip() and not l.startswith("#")]
first = next(e["directive"]["id"] for e in events if e["action"] == "issue-directive")
print(first, max(e["at"][:10] for e in events))')

echo "== Ledger $ledger, read as of $asof"
"$luoshi" verify --ledger "$ledger"
echo

units=$(git --git-dir "$ledger" ls-tree -r --name-only refs/heads/main "directives/$directive/plans" \
  | sed -n 's|^directives/[^/]*/plans/\(.*\)/plan.json$|\1|p')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for unit in $units; do
  "$luoshi" diff --ledger "$ledger" --directive "$directive" --unit "$unit" --at "$asof" --format json > "$tmp/basis.json"
  "$luoshi" diff --ledger "$ledger" --directive "$directive" --unit "$unit" --at "$asof" --against directive --format json > "$tmp/directive.json"
  python3 -c 'import json,sys; print(json.dumps({"basis": json.load(open(sys.argv[1])), "directive": json.load(open(sys.argv[2]))}))' \
    "$tmp/basis.json" "$tmp/directive.json" >> "$tmp/diffs.jsonl"
done
"$luoshi" flags --ledger "$ledger" --at "$asof" --format json > "$tmp/flags.json"
# The clause ids of each version of the directive, so a plan built on version 1 is not read as
# omitting what version 2 added.
for commit in $("$luoshi" log --ledger "$ledger" --directive "$directive" --format json | python3 -c 'import json,sys
print(" ".join(c["commit"] for c in json.load(sys.stdin)["commits"] if c["action"] in ("issue-directive", "amend-directive")))'); do
  "$luoshi" show directive "$directive" --ledger "$ledger" --at "$commit" --format json \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"version": d["version"], "clauses": [c["id"] for c in d["clauses"]]}))' >> "$tmp/versions.jsonl"
done

python3 - "$directive" "$tmp/diffs.jsonl" "$tmp/flags.json" "$tmp/versions.jsonl" <<'PY'
import json, sys
from collections import Counter
directive, diffs_path, flags_path, versions_path = sys.argv[1:]
versions = {v["version"]: set(v["clauses"]) for v in map(json.loads, open(versions_path, encoding="utf-8"))}
diffs = [json.loads(l) for l in open(diffs_path, encoding="utf-8")]
for d in diffs:
    # Against the directive, only the clauses of the version the unit's plan was built on.
    own = versions.get(d["basis"]["against"]["version"])
    if own:
        d["directive"]["clauses"] = [c for c in d["directive"]["clauses"] if c["basisId"] in own]
flags = json.load(open(flags_path, encoding="utf-8"))["flags"]
mine = [f for f in flags if f["directive"] == directive]
not_adopted = sorted(f["unit"] for f in mine if f["kind"] == "not-adopted")
behind = [d["basis"]["unit"] for d in diffs if d["basis"]["summary"]["behind"] > 0]
print(f"== Adoption of {directive}")
print(f"  {len(diffs)} of {len(diffs) + len(not_adopted)} units in scope adopted; "
      f"{len(diffs) - len(behind)} on the newest version, {len(behind)} behind")
if not_adopted:
    print("  not adopted: " + ", ".join(not_adopted))
print()

def describe(reading):
    out = []
    for c in reading["clauses"]:
        if c["class"] in ("faithful", "reworded"):
            continue
        label = c["class"]
        if c["class"] == "omitted":
            label += " (approved)" if c.get("approved") else " (declared)" if c.get("declared") else ""
        out.append(f"{c['basisId']} {label}")
    out += [f"+{a['id']} added" for a in reading["added"]]
    return ", ".join(out) or "faithful"

print("== Fidelity per unit (its own changes to what it was given | the directive as it reaches it)")
width = max(len(d["basis"]["unit"]) for d in diffs)
for d in sorted(diffs, key=lambda d: d["basis"]["unit"]):
    b, c = d["basis"], d["directive"]
    print(f"  {b['unit']:<{width}}  {describe(b)}  |  {describe(c)}")
print()
PY
echo "== The worst deviations (what each unit changed in what it was given)"
"$luoshi" deviations --ledger "$ledger" --directive "$directive" --at "$asof" --limit 8 | sed 's/^/  /'
echo
python3 - "$tmp/flags.json" <<'PY'
import json, sys
from collections import Counter
flags = json.load(open(sys.argv[1], encoding="utf-8"))["flags"]
print("== Flags by kind")
kinds = Counter(f["kind"] for f in flags)
for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
    units = sorted({f["unit"] for f in flags if f["kind"] == kind})
    shown = ", ".join(units[:4]) + (f" and {len(units) - 4} more" if len(units) > 4 else "")
    print(f"  {kind:<16} {n:>3}  {shown}")
print(f"  {len(flags)} flags in all")
PY
echo
rm -f "$out/report.html"
"$luoshi" report-html --ledger "$ledger" --directive "$directive" --at "$asof" --out "$out/report.html" >/dev/null
echo "== Report: $(realpath "$out/report.html")"
