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
here=$(cd "$(dirname "$0")" && pwd)
luoshi=$(realpath "$1")
commits=${2:-1000000} directives=${3:-10} keep=${4:-}
if [ -n "$keep" ]; then
  mkdir -p "$keep"; work=$(realpath "$keep")
else
  work=$(mktemp -d /tmp/luoshi-bench-history.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
cd "$work"

[ -f ledger/HEAD ] || "$here/generate-ledger.sh" "$luoshi" "$commits" "$directives"
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
cmp -s <(python3 -c 'import json; print("\n".join(sorted(e["commit"] for e in json.load(open("log.out"))["commits"])))') <(sort gitlog.out) \
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
