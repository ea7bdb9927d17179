#!/usr/bin/env bash
# History questions at scale: the history index against stock git on a generated ledger of about
# COMMITS commits (default 1,000,000): 20 provinces x 10 cities x 10 counties, DIRECTIVES
# directives adopted by every county, signed report-progress events of realistic size (a value, an
# evidence item, a note) spread over the counties' plans, one county editing its plan now and then
# and one amendment, all through the bulk import. Prints the generation time, then a table of each
# question, its baseline from the same run, the ratio and peak memory.
#   bench-history.sh LUOSHI_BINARY [COMMITS] [DIRECTIVES] [KEEP_DIR]
# With KEEP_DIR, the generated ledger is kept there and reused when it is already there.
# Goals: one clause's history and log --unit --since <= 0.1x git (commit-graph with changed-path
# Bloom filters, --grep on the trailer); show --at <= 1x rev-list + show; building the index <= 1.5x
# luoshi verify; index <= 0.5x the packs; peak memory < 300 MB.
# Note: the file system here is slow to create files for ~30 s after mass deletion; a work folder
# is removed at the end, not the start, of a run.
set -euo pipefail
luoshi=$(realpath "$1")
commits=${2:-1000000} directives=${3:-10} keep=${4:-}
if [ -n "$keep" ]; then
  mkdir -p "$keep"; work=$(realpath "$keep")
else
  work=$(mktemp -d /tmp/luoshi-bench-history.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
cd "$work"

if [ ! -f ledger/HEAD ]; then
python3 - "$commits" "$directives" <<'PY'
import datetime, json, sys
commits, directives = map(int, sys.argv[1:3])
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
at = "2020-01-01T00:00:00Z"
counties = [f"cn/p{p:02d}/c{c:02d}/k{k:02d}" for p in range(20) for c in range(10) for k in range(10)]
setup = []; w = setup.append
w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": "cn", "name": "中央 Centre", "level": "中央"}})
for p in range(20):
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": f"cn/p{p:02d}", "name": f"第{p}省", "level": "省"}})
    for c in range(10):
        w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": f"cn/p{p:02d}/c{c:02d}", "name": f"第{p}省第{c}市", "level": "市"}})
for u in counties:
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": u, "name": u, "level": "县"}})
w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "issuer", "name": "Issuer", "unit": "cn", "roles": ["issuer"], "keys": ["${KEY:issuer}"]}})
for n, u in enumerate(counties):
    w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": f"u{n}", "name": f"{u} office", "unit": u, "roles": ["implementer"], "keys": ["${KEY:impl}"]}})
clauses = lambda target: [
    {"id": "1", "text": f"各县发文数量必须压减{target}%以上。", "modality": "must", "targets": [{"metric": "documents_cut_pct", "op": ">=", "value": target, "unit": "%"}], "deadline": "2020-12-31", "evidence": "outcome", "localize": False},
    {"id": "2", "text": "面向基层的会议应当合并召开。", "modality": "should", "targets": [], "evidence": "any", "localize": False},
    {"id": "3", "text": "不得照搬照抄上级文件。", "modality": "must-not", "targets": [], "evidence": "any", "localize": True},
]
for d in range(directives):
    w({"action": "issue-directive", "actor": "issuer", "at": at, "directive": {"id": f"D-{d}", "title": f"精简文件 {d}", "issuer": "cn", "issued": "2020-01-01",
       "scope": {"units": ["cn"], "levels": ["县"]}, "reporting": {"every": "P1M"}, "clauses": clauses(30)}})
for d in range(directives):
    for n, u in enumerate(counties):
        w({"action": "adopt", "actor": f"u{n}", "at": at, "unit": u, "directive": f"D-{d}", "from": "cn"})
reports = commits - 1 - len(setup)
events = []
edits = {reports * k // 6: 30 - 5 * (k % 2) for k in range(1, 6)}   # county u0 weakens and restores clause 1
for i in range(reports):
    t = 1580515200 + i * 30    # from 2020-02-01, 30 s apart
    if i in edits:
        events.append({"action": "edit-plan", "actor": "u0", "at": iso(t), "unit": counties[0], "directive": "D-0", "clauses": clauses(edits[i])})
        continue
    if i == reports // 2:
        events.append({"action": "amend-directive", "actor": "issuer", "at": iso(t), "directive": {"id": "D-0", "title": "精简文件 0（修订）", "issuer": "cn", "issued": "2020-01-01",
                       "scope": {"units": ["cn"], "levels": ["县"]}, "reporting": {"every": "P1M"}, "clauses": clauses(35)}})
        continue
    n = (i * 7919) % len(counties); d = (i // len(counties)) % directives
    events.append({"action": "report-progress", "actor": f"u{n}", "at": iso(t), "unit": counties[n], "directive": f"D-{d}",
                   "clause": str(1 + i % 3), "status": "in-progress", "values": {"documents_cut_pct": i % 40} if i % 3 == 0 else {},
                   "evidence": [{"kind": "data", "title": f"发文登记簿 第{i}号", "sha256": f"{i:064x}"}],
                   "note": f"本月压减文件{i % 17}件，会议{i % 5}次。"})
with open("setup.jsonl", "w") as f:
    for e in setup: f.write(json.dumps(e, ensure_ascii=False) + "\n")
for k in range(0, len(events), 20000):
    with open(f"events-{k // 20000:04d}.jsonl", "w") as f:
        for e in events[k:k + 20000]: f.write(json.dumps(e, ensure_ascii=False) + "\n")
PY
  echo "generating a ledger of about $commits commits..." >&2
  mkdir -p keys
  for a in admin issuer impl; do [ -f "keys/$a" ] || ssh-keygen -q -t ed25519 -N '' -f "keys/$a"; done
  for n in $(seq 0 1999); do ln -sf impl "keys/u$n"; done
  python3 - <<'PY'
import re
t = open("setup.jsonl").read()
open("setup.jsonl", "w").write(re.sub(r"\$\{KEY:([^}]+)\}", lambda m: open(f"keys/{m.group(1)}.pub").read().strip(), t))
PY
  start=$(date +%s.%N)
  "$luoshi" init ledger --admin admin --key keys/admin >/dev/null
  "$luoshi" import setup.jsonl --ledger ledger --keys keys >/dev/null
  for f in events-*.jsonl; do "$luoshi" import "$f" --ledger ledger --keys keys >/dev/null; echo -n . >&2; done
  echo >&2
  echo "generated $(git --git-dir ledger rev-list --count refs/heads/main) commits in $(printf %.0f "$(echo "$(date +%s.%N) - $start" | bc)") s (through luoshi import)" >&2
fi
rm -f ledger/luoshi/index.sqlite*
county=cn/p00/c00/k00
other=cn/p07/c03/k05
plan=directives/D-0/plans/$county/plan.json
last=$(git --git-dir ledger log -1 --format=%cs refs/heads/main)
since=$(date -u -d "$last - 20 days" +%F)
middle=$(git --git-dir ledger log -1 --format=%cs "refs/heads/main~$(( $(git --git-dir ledger rev-list --count refs/heads/main) / 2 ))")
echo "commit-graph: $( { /usr/bin/time -f '%e s' git --git-dir ledger commit-graph write --reachable --changed-paths 2>&1 >/dev/null; } | tail -n 1)" >&2
cat ledger/objects/pack/* >/dev/null

timed() {   # name, command...: best wall time of $REPEAT runs, and the peak resident memory of the runs
  local name=$1; shift
  local best="" peak=0
  for _ in $(seq "${REPEAT:-3}"); do
    /usr/bin/time -f "%e %M" -o "$name.time" "$@" >"$name.out" 2>"$name.err" || echo "$name exited $? ($(head -c 300 "$name.err"))" >&2
    read -r s kb <"$name.time"
    if [ -z "$best" ] || [ "$(echo "$s < $best" | bc)" = 1 ]; then best=$s; fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  echo "$best $peak" >"$name.best"
}

REPEAT=1 timed verify "$luoshi" verify --ledger ledger --format json
REPEAT=1 timed build "$luoshi" log --ledger ledger --since 2099-01-01 --format json
timed history "$luoshi" history --ledger ledger --directive D-0 --unit "$county" --clause 1 --format json
timed githistory git --git-dir ledger log --format=%H refs/heads/main -- "$plan"
timed log "$luoshi" log --ledger ledger --unit "$other" --since "$since" --format json
timed gitlog git --git-dir ledger log --format=%H --since="$since 00:00:00 +0000" --grep="^Luoshi-Unit: $other\$" refs/heads/main
timed show "$luoshi" show plan "$county" --directive D-0 --at "$middle" --ledger ledger
timed gitshowat bash -c 'rev=$(git --git-dir ledger rev-list -1 --before="$0 23:59:59" refs/heads/main) && git --git-dir ledger show "$rev:$1"' "$middle" "$plan"
REPEAT=1 timed unchanged "$luoshi" log --ledger ledger --since "$last" --format json
"$luoshi" report --ledger ledger --unit "$county" --directive D-0 --clause 2 --status in-progress --note "bench" --key keys/u0 >/dev/null
REPEAT=1 timed catchup "$luoshi" log --ledger ledger --since "$last" --format json
index_bytes=$(du -cb ledger/luoshi/index.sqlite* | tail -n 1 | cut -f1)
pack_bytes=$(du -cb ledger/objects/pack/*.pack | tail -n 1 | cut -f1)
cmp -s <(python3 -c 'import json,sys; print("\n".join(e["commit"] for e in json.load(open("log.out"))["commits"]))') gitlog.out \
  && echo "log --unit --since and git log --grep name the same $(wc -l <gitlog.out) commits" >&2 \
  || echo "log --unit --since and git log --grep DISAGREE" >&2

python3 - "$index_bytes" "$pack_bytes" <<'PY'
import json, sys
index_bytes, pack_bytes = map(int, sys.argv[1:3])
def read(name):
    s, kb = open(f"{name}.best").read().split()
    return float(s), int(kb) // 1024
v = json.load(open("verify.out"))
rows = []
def row(question, mine, base, goal, limit):
    (ms, mm), (bs, bm) = read(mine), read(base)
    ratio = ms / bs if bs > 0 else float("inf")
    rows.append((question, ms, mm, bs, f"{ratio:.3f}x", goal, "met" if ratio <= limit and mm < 300 else "MISSED"))
row("one clause's history", "history", "githistory", "<= 0.1x git log -- PATH (commit-graph)", 0.1)
row("log --unit U --since D", "log", "gitlog", "<= 0.1x git log --grep", 0.1)
row("show plan U --at DATE", "show", "gitshowat", "<= 1x rev-list -1 --before + show", 1)
row("building the index from nothing", "build", "verify", "<= 1.5x luoshi verify", 1.5)
(us, um), (cs, cm) = read("unchanged"), read("catchup")
print(f"{'question':<34}{'luoshi s':>10}{'MB':>6}{'baseline s':>12}{'ratio':>10}  goal")
for q, ms, mm, bs, ratio, goal, verdict in rows:
    print(f"{q:<34}{ms:>10.3f}{mm:>6}{bs:>12.3f}{ratio:>10}  {goal}: {verdict}")
print(f"{'catching up after one new commit':<34}{cs:>10.3f}{cm:>6}{us:>12.3f}{cs / us:>9.2f}x  against the same log with nothing new")
print(f"{'index size':<34}{index_bytes / 2**20:>9.1f}M{'':>6}{pack_bytes / 2**20:>11.1f}M{index_bytes / pack_bytes:>9.3f}x  <= 0.5x the packs: {'met' if index_bytes <= pack_bytes / 2 else 'MISSED'}")
print(f"verify: {v['commits']} commits, {'ok' if v['ok'] else str(len(v['problems'])) + ' problems'}; peak memory of every luoshi run above < 300 MB: "
      f"{'met' if max(read(n)[1] for n in ['history', 'log', 'show', 'build', 'catchup', 'unchanged', 'verify']) < 300 else 'MISSED'}")
PY
