#!/usr/bin/env bash
# Import throughput: Luoshi against the stock git CLI (plumbing, one process chain a commit) and
# git fast-import, on a generated ledger of 2,000 units, one directive and 20,000 signed
# report-progress events. Prints events/s, ratios and Luoshi's peak memory.
#   bench.sh LUOSHI_BINARY [UNITS] [EVENTS] [CLI_SAMPLE]
# Note: the file system here is slow to create files for ~30 s after mass deletion; the work
# folder is removed at the end, not the start, of a run.
set -euo pipefail
luoshi=$(realpath "$1")
units=${2:-2000} events=${3:-20000} cli_sample=${4:-300}
work=$(mktemp -d /tmp/luoshi-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 - "$units" "$events" <<'PY'
import json, sys
units, events = int(sys.argv[1]), int(sys.argv[2])
provinces = max(1, units // 100)
ids = [f"cn/p{p:02d}/c{c:03d}" for p in range(provinces) for c in range(units // provinces)][:units]
with open("setup.jsonl", "w") as f:
    w = lambda e: f.write(json.dumps(e) + "\n")
    at = "2020-01-01T00:00:00Z"
    w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": "cn", "name": "Centre", "level": "central"}})
    for p in range(provinces):
        w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": f"cn/p{p:02d}", "name": f"P{p}", "level": "province"}})
    for u in ids:
        w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": u, "name": u, "level": "city"}})
    w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "issuer", "name": "Issuer", "unit": "cn", "roles": ["issuer"], "keys": ["${KEY:issuer}"]}})
    for n, u in enumerate(ids):
        w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": f"u{n}", "name": u, "unit": u, "roles": ["implementer"], "keys": [f"${{KEY:u{n}}}"]}})
    w({"action": "issue-directive", "actor": "issuer", "at": at, "directive": {"id": "D-1", "title": "Bench", "issuer": "cn", "issued": "2020-01-01",
       "scope": {"units": ["cn"], "levels": ["city"]}, "reporting": {"every": "P1M"},
       "clauses": [{"id": "1", "text": "Cut documents by at least 30%.", "modality": "must", "targets": [{"metric": "cut_pct", "op": ">=", "value": 30}], "evidence": "outcome", "localize": False}]}})
    for n, u in enumerate(ids):
        w({"action": "adopt", "actor": f"u{n}", "at": at, "unit": u, "directive": "D-1", "from": "cn"})
with open("reports.jsonl", "w") as f:
    for i in range(events):
        n = i % len(ids)
        s = i // len(ids)
        f.write(json.dumps({"action": "report-progress", "actor": f"u{n}", "at": f"2020-02-{1 + s % 28:02d}T10:00:00Z", "unit": ids[n], "directive": "D-1",
                            "clause": "1", "status": "in-progress", "values": {"cut_pct": i % 40},
                            "evidence": [{"kind": "data", "title": f"Register {i}", "sha256": f"{i:064x}"}]}) + "\n")
with open("paths.txt", "w") as f:
    for i in range(events):
        f.write(f"directives/D-1/plans/{ids[i % len(ids)]}/progress.json\n")
PY

echo "setting up: $units units, their actors and plans (not timed)..." >&2
# One key pair serves every actor (each registered with it): the benchmark measures imports, not
# ssh-keygen, and signing costs the same whichever key signs.
mkdir keys
ssh-keygen -q -t ed25519 -N '' -f keys/shared
python3 - <<'PY'
import json, re, shutil
names = {"admin"}
for l in open("setup.jsonl"):
    names.add(json.loads(l)["actor"]); names.update(re.findall(r"\$\{KEY:([^}]+)\}", l))
for n in names:
    shutil.copy("keys/shared", f"keys/{n}")
pub = open("keys/shared.pub").read().strip()
t = open("setup.jsonl").read()
open("setup.jsonl", "w").write(re.sub(r"\$\{KEY:([^}]+)\}", pub, t))
PY
"$luoshi" init ledger --admin admin --key keys/admin >/dev/null
"$luoshi" import setup.jsonl --ledger ledger --keys keys >/dev/null
cp -r ledger ledger-cli
cp -r ledger ledger-fi
base=$(git --git-dir ledger rev-parse refs/heads/main)

# Luoshi: check, sign and commit every event, one pack, one ref move.
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o luoshi.mem "$luoshi" import reports.jsonl --ledger ledger --keys keys >/dev/null
luoshi_s=$(echo "$(date +%s.%N) - $start" | bc)
luoshi_mb=$(( $(cat luoshi.mem) / 1024 ))

# Stock git CLI: hash-object, update-index, write-tree, commit-tree, update-ref per commit (unsigned).
export GIT_DIR=ledger-cli GIT_INDEX_FILE=$work/cli.index
git read-tree "$base"
parent=$base
start=$(date +%s.%N)
i=0
head -n "$cli_sample" paths.txt | while read -r path; do
  blob=$(printf '{"report": %d, "padding": "%0400d"}\n' "$i" 0 | git hash-object -w --stdin)
  git update-index --add --cacheinfo "100644,$blob,$path"
  tree=$(git write-tree)
  parent=$(echo "report-progress: $i" | GIT_AUTHOR_NAME=u GIT_AUTHOR_EMAIL=u@ledger GIT_COMMITTER_NAME=u GIT_COMMITTER_EMAIL=u@ledger git commit-tree "$tree" -p "$parent")
  git update-ref refs/heads/main "$parent"
  i=$((i + 1))
done
cli_s=$(echo "$(date +%s.%N) - $start" | bc)
unset GIT_DIR GIT_INDEX_FILE

# git fast-import of the same number of commits on the same paths (unsigned).
python3 - "$base" <<'PY' > stream.fi
import sys
base = sys.argv[1]
paths = [l.strip() for l in open("paths.txt")]
out = sys.stdout
for i, p in enumerate(paths):
    data = '{"report": %d, "padding": "%s"}\n' % (i, "0" * 400)
    msg = f"report-progress: {i}\n"
    out.write(f"commit refs/heads/main\ncommitter u <u@ledger> {1580551200 + i} +0000\ndata {len(msg)}\n{msg}")
    if i == 0: out.write(f"from {base}\n")
    out.write(f"M 100644 inline {p}\ndata {len(data.encode())}\n{data}\n")
PY
start=$(date +%s.%N)
git --git-dir ledger-fi fast-import --quiet < stream.fi
fi_s=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$events" "$luoshi_s" "$cli_sample" "$cli_s" "$fi_s" "$luoshi_mb" <<'PY'
import sys
n, ls, cn, cs, fs, mb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
lr, cr, fr = n / ls, cn / cs, n / fs
print(f"{'import of ' + str(n) + ' report-progress events':<44}{'events/s':>10}{'Luoshi is':>12}")
print(f"{'luoshi import (checked, signed, one pack)':<44}{lr:>10.0f}{'':>12}")
print(f"{'git CLI plumbing (' + str(cn) + ' commits, unsigned)':<44}{cr:>10.0f}{lr / cr:>11.1f}x")
print(f"{'git fast-import (unsigned)':<44}{fr:>10.0f}{lr / fr:>11.2f}x")
print(f"luoshi peak memory: {mb} MB; wall time {ls:.1f} s")
PY
