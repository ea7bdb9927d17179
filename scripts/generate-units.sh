#!/usr/bin/env bash
# Generates, in the current folder, a ledger (ledger/, the one key in keys/) of UNITS unit plans on
# three levels: about 20 provinces, 500 cities, the rest counties, each adopting directive D-1 from
# its parent's plan, one in ten editing it, most reporting. Every actor signs with the same key (one
# key file, linked under every actor's name): making 40,000 keys would take longer than a benchmark.
# Prints the import time. Used by bench-status.sh and bench-web.sh.
#   generate-units.sh LUOSHI_BINARY UNITS
set -euo pipefail
luoshi=$(realpath "$1")
units=${2:-10000}
python3 - "$units" <<'PY'
import json, random, sys
units = int(sys.argv[1])
random.seed(2019)
provinces = min(20, max(1, units // 500))
cities = min(500, max(provinces, units // 20))
counties = max(0, units - provinces - cities)
P = [f"cn/p{p:02d}" for p in range(provinces)]
C = [f"{P[c % provinces]}/c{c:03d}" for c in range(cities)]
K = [f"{C[k % cities]}/k{k:04d}" for k in range(counties)]
levels = [(u, "province") for u in P] + [(u, "city") for u in C] + [(u, "county") for u in K]

def clause(i, text, metric=None, op=">=", value=None, unit="%", deadline="2020-12-31", modality="must", localize=False):
    c = {"id": str(i), "text": text, "modality": modality, "targets": [], "evidence": "outcome", "localize": localize, "deadline": deadline}
    if metric: c["targets"] = [{"metric": metric, "op": op, "value": value, "unit": unit}]
    return c

clauses = [
    clause(1, "Cut the number of documents issued to lower levels by at least 30% compared with last year.", "documents_cut_pct", ">=", 30),
    clause(2, "Keep every policy document issued at this level to at most 10 pages.", "document_pages", "<=", 10, "pages", "2020-06-30"),
    clause(3, "Issue local rules that fit this directive to the level below within three months.", deadline="2020-03-31"),
    clause(4, "Cut the number of meetings convened for lower levels by at least 30%.", "meetings_cut_pct", ">=", 30),
    clause(5, "Inspect grassroots units no more than twice a year, jointly across departments.", "inspections_per_year", "<=", 2, "visits"),
    clause(6, "Collect routine statistics from grassroots units through a single consolidated form.", "report_forms", "<=", 1, "forms", modality="should"),
    clause(7, "Set up a channel through which grassroots staff can report excessive burdens, designed for local conditions.", localize=True),
]

def edited(base, n):
    """One in ten units changes its plan: loosens or tightens a target, rewords, or drops a clause with an exemption."""
    cs = json.loads(json.dumps(base))
    exemptions = []
    kind = n % 4
    if kind == 0:
        cs[0]["targets"][0]["value"] -= 5
    elif kind == 1:
        cs[3]["targets"][0]["value"] += 10
    elif kind == 2:
        cs[6]["text"] = f"Open a burden-reporting mailbox answered within ten working days (unit {n})."
    else:
        exemptions = [{"clause": cs[4]["id"], "reason": "No inspections are run at this level."}]
        cs = cs[:4] + cs[5:]
    return cs, exemptions

with open("events.jsonl", "w") as f:
    w = lambda e: f.write(json.dumps(e) + "\n")
    at = "2020-01-01T00:00:00Z"
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": "cn", "name": "Centre", "level": "central"}})
    for u, level in levels:
        w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": u, "name": u, "level": level}})
    w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "issuer", "name": "Issuer", "unit": "cn", "roles": ["issuer"], "keys": ["${KEY}"]}})
    for n, (u, _) in enumerate(levels):
        w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": f"a{n}", "name": u, "unit": u, "roles": ["implementer"], "keys": ["${KEY}"]}})
    w({"action": "issue-directive", "actor": "issuer", "at": "2020-01-02T00:00:00Z", "directive": {
        "id": "D-1", "title": "Cutting formalist burdens", "issuer": "cn", "issued": "2020-01-02",
        "scope": {"units": ["cn"], "levels": ["province", "city", "county"]}, "reporting": {"every": "P1M"}, "clauses": clauses}})
    plans = {"cn": clauses}
    for n, (u, _) in enumerate(levels):
        parent = u.rsplit("/", 1)[0]
        w({"action": "adopt", "actor": f"a{n}", "at": "2020-02-01T00:00:00Z", "unit": u, "directive": "D-1", "from": parent})
        plans[u] = plans[parent]
        if n % 10 == 3:
            plans[u], exemptions = edited(plans[parent], n)
            w({"action": "edit-plan", "actor": f"a{n}", "at": "2020-02-01T00:00:00Z", "unit": u, "directive": "D-1",
               "clauses": plans[u], "exemptions": exemptions})
    for n, (u, _) in enumerate(levels):
        if n % 7 == 0: continue
        w({"action": "report-progress", "actor": f"a{n}", "at": "2020-04-01T10:00:00Z", "unit": u, "directive": "D-1", "clause": "1",
           "status": "in-progress", "values": {"documents_cut_pct": random.randint(5, 45)},
           "evidence": [{"kind": "data", "title": f"Document register {n}", "sha256": f"{n:064x}"}]})
    # Events come in time order: every April report, then the May ones.
    for n, (u, _) in enumerate(levels):
        if n % 7 != 0 and n % 3 == 0:
            w({"action": "report-progress", "actor": f"a{n}", "at": "2020-05-01T10:00:00Z", "unit": u, "directive": "D-1", "clause": "2",
               "status": "done", "values": {"document_pages": 8}, "evidence": [{"kind": "meeting", "title": f"Meeting {n}", "uri": f"minutes/{n}.pdf"}]})
PY

echo "setting up: $units unit plans and their reports (not timed)..." >&2
mkdir keys
ssh-keygen -q -t ed25519 -N '' -C bench -f keys/shared
python3 - <<'PY'
import json, os
key = open("keys/shared.pub").read().strip()
actors = {"admin"}
with open("events.jsonl") as src, open("events.filled.jsonl", "w") as dst:
    for line in src:
        actors.add(json.loads(line)["actor"])
        dst.write(line.replace("${KEY}", key))
for a in actors:
    os.symlink("shared", f"keys/{a}")
PY
"$luoshi" init ledger --admin admin --key keys/admin >/dev/null
start=$(date +%s.%N)
"$luoshi" import events.filled.jsonl --ledger ledger --keys keys >/dev/null
echo "import took $(echo "$(date +%s.%N) - $start" | bc) s" >&2
