#!/usr/bin/env bash
# Generates, in the current folder, a ledger of about COMMITS commits (ledger/, keys in keys/) through
# the bulk import: 20 provinces x 10 cities x 10 counties, DIRECTIVES directives adopted by every
# county, signed report-progress events of realistic size (a value, an evidence item, a note) spread
# over the counties' plans, one county (cn/p00/c00/k00, actor u0) weakening and restoring clause 1 of
# D-0 now and then, and one amendment. Prints the generation time. Nothing is done when ledger/ exists.
#   generate-ledger.sh LUOSHI_BINARY [COMMITS] [DIRECTIVES]
# Used by bench-history.sh and bench-sync.sh. Every county's implementer u<n> signs with keys/impl.
set -euo pipefail
luoshi=$(realpath "$1")
commits=${2:-1000000} directives=${3:-10}
[ -f ledger/HEAD ] && exit 0
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
    if i == reports // 2 + 1:
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
