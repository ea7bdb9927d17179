#!/usr/bin/env bash
# Verify speed: `luoshi verify` from genesis next to `git fsck` of the same repository, and
# `luoshi verify --since` a checkpoint COMMITS_AFTER commits back, on a generated ledger of about
# COMMITS commits (units, their actors and plans, then signed report-progress events, imported in
# bulk chunks; one auditor checkpoint near the end). Prints a table with ratios and peak memory.
#   bench-verify.sh LUOSHI_BINARY [COMMITS] [COMMITS_AFTER] [CITIES] [DIRECTIVES]
# Goals (issue 4): verify <= 2x git fsck, peak memory < 300 MB; --since well under a second.
# Note: the file system here is slow to create files for ~30 s after mass deletion; the work
# folder is removed at the end, not the start, of a run.
set -euo pipefail
luoshi=$(realpath "$1")
commits=${2:-100000} after=${3:-1000} cities=${4:-200} directives=${5:-10}
work=$(mktemp -d /tmp/luoshi-bench-verify.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Progress records grow by one report per event, so spread the reports over cities x directives
# plans (about 50 each at the defaults) rather than a few plans that would grow to megabytes.
python3 - "$commits" "$after" "$cities" "$directives" <<'PY'
import json, sys
commits, after, cities, directives = map(int, sys.argv[1:5])
provinces = max(1, cities // 20)
ids = [f"cn/p{p:02d}/c{c:03d}" for p in range(provinces) for c in range(cities // provinces)][:cities]
setup = []
w = setup.append
at = "2020-01-01T00:00:00Z"
w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": "cn", "name": "Centre", "level": "central"}})
for p in range(provinces):
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": f"cn/p{p:02d}", "name": f"P{p}", "level": "province"}})
for u in ids:
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": u, "name": u, "level": "city"}})
w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "issuer", "name": "Issuer", "unit": "cn", "roles": ["issuer"], "keys": ["${KEY:issuer}"]}})
w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "auditor", "name": "Audit", "unit": "cn", "roles": ["auditor"], "keys": ["${KEY:auditor}"]}})
for n, u in enumerate(ids):
    w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": f"u{n}", "name": u, "unit": u, "roles": ["implementer"], "keys": ["${KEY:impl}"]}})
for d in range(directives):
    w({"action": "issue-directive", "actor": "issuer", "at": at, "directive": {"id": f"D-{d}", "title": f"Bench {d}", "issuer": "cn", "issued": "2020-01-01",
       "scope": {"units": ["cn"], "levels": ["city"]}, "reporting": {"every": "P1M"},
       "clauses": [{"id": "1", "text": "Cut documents by at least 30%.", "modality": "must", "targets": [{"metric": "cut_pct", "op": ">=", "value": 30}], "evidence": "outcome", "localize": False}]}})
for d in range(directives):
    for n, u in enumerate(ids):
        w({"action": "adopt", "actor": f"u{n}", "at": at, "unit": u, "directive": f"D-{d}", "from": "cn"})
reports = commits - 1 - len(setup) - 1     # genesis, setup, the checkpoint
if reports < after:
    sys.exit(f"{commits} commits leave room for only {reports} reports; ask for more commits")
events = []
for i in range(reports):
    if i == reports - after:
        # The checkpoint commit is then exactly `after` commits below head.
        events.append({"action": "checkpoint", "actor": "auditor", "at": f"@{t + 15}", "note": "bench"})
    n = i % len(ids); d = (i // len(ids)) % directives
    t = 1580515200 + i * 30    # from 2020-02-01, 30 s apart
    events.append({"action": "report-progress", "actor": f"u{n}", "at": f"@{t}", "unit": ids[n], "directive": f"D-{d}",
                   "clause": "1", "status": "in-progress", "values": {"cut_pct": i % 40},
                   "evidence": [{"kind": "data", "title": f"Register {i}", "sha256": f"{i:064x}"}]})
import datetime
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
for e in events:
    if e["at"].startswith("@"): e["at"] = iso(int(e["at"][1:]))
with open("setup.jsonl", "w") as f:
    for e in setup: f.write(json.dumps(e) + "\n")
# Imports of 5,000 events each (one pack each); the checkpoint is imported on its own.
chunks, current = [], []
for e in events:
    if e["action"] == "checkpoint":
        chunks += [current, [e]]; current = []
        continue
    current.append(e)
    if len(current) == 5000: chunks.append(current); current = []
chunks.append(current)
for k, c in enumerate(x for x in chunks if x):
    with open(f"events-{k:04d}.jsonl", "w") as f:
        for e in c: f.write(json.dumps(e) + "\n")
PY

echo "generating a ledger of about $commits commits ($cities cities x $directives directives)..." >&2
mkdir keys
for a in admin issuer auditor impl; do ssh-keygen -q -t ed25519 -N '' -f "keys/$a"; done
for n in $(seq 0 $((cities - 1))); do ln -s impl "keys/u$n"; done
python3 - <<'PY'
import re
t = open("setup.jsonl").read()
open("setup.jsonl", "w").write(re.sub(r"\$\{KEY:([^}]+)\}", lambda m: open(f"keys/{m.group(1)}.pub").read().strip(), t))
PY
start=$(date +%s.%N)
"$luoshi" init ledger --admin admin --key keys/admin >/dev/null
"$luoshi" import setup.jsonl --ledger ledger --keys keys >/dev/null
for f in events-*.jsonl; do "$luoshi" import "$f" --ledger ledger --keys keys >/dev/null; done
build_s=$(echo "$(date +%s.%N) - $start" | bc)
total=$(git --git-dir ledger rev-list --count refs/heads/main)
checkpoint=$(git --git-dir ledger for-each-ref --format='%(refname:short)' refs/tags/checkpoints/ | head -n 1)
back=$(git --git-dir ledger rev-list --count "$checkpoint..refs/heads/main")
echo "built $total commits in $(printf %.0f "$build_s") s; checkpoint $checkpoint is $back commits below head" >&2

# The packs read once to warm the page cache, then each tool timed once: wall seconds and peak resident KB.
cat ledger/objects/pack/* >/dev/null
timed() {   # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$name.time" "$@" >"$name.out" 2>"$name.err" || echo "$name exited $? ($(head -c 300 "$name.err"))" >&2
}
timed fsck git --git-dir ledger fsck --no-progress
timed verify "$luoshi" verify --ledger ledger --format json
timed since "$luoshi" verify --ledger ledger --format json --since "$checkpoint"
git --git-dir ledger count-objects -v | awk '/^count|^in-pack|^packs|^size-pack/ { printf "%s %s  ", $1, $2 } END { print "" }' >&2

python3 - "$total" "$back" <<'PY'
import json, sys
total, back = int(sys.argv[1]), int(sys.argv[2])
def read(name):
    secs, kb = open(f"{name}.time").read().split()[-2:]
    return float(secs), int(kb) // 1024
fs, fm = read("fsck"); vs, vm = read("verify"); ss, sm = read("since")
v = json.load(open("verify.out")); s = json.load(open("since.out"))
rows = [
    (f"git fsck ({total} commits)", fs, fm, "1.00x", "-"),
    (f"luoshi verify from genesis ({v['commits']} commits)", vs, vm, f"{vs / fs:.2f}x", "ok" if v["ok"] else f"{len(v['problems'])} problems"),
    (f"luoshi verify --since ({s['commits']} commits)", ss, sm, f"{ss / fs:.3f}x", "ok" if s["ok"] else f"{len(s['problems'])} problems"),
]
print(f"{'verify benchmark':<52}{'seconds':>9}{'peak MB':>9}{'vs fsck':>9}  result")
for name, secs, mb, ratio, result in rows:
    print(f"{name:<52}{secs:>9.2f}{mb:>9}{ratio:>9}  {result}")
print(f"goals: verify <= 2x fsck ({'met' if vs <= 2 * fs else 'MISSED'}), < 300 MB ({'met' if vm < 300 else 'MISSED'}); "
      f"--since {back} commits back well under 1 s ({'met' if ss < 0.5 else 'MISSED'})")
if not (v["ok"] and s["ok"]): sys.exit(1)
PY
