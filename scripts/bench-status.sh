#!/usr/bin/env bash
# `luoshi status` over a generated ledger of UNITS unit plans on three levels (about 20 provinces,
# 500 cities, the rest counties, each adopting from its parent's plan, one in ten editing it, most
# reporting), timed against `git cat-file --batch` reading the same blobs: every plan.json and
# progress.json of the directive, and the directive. Prints both times, the ratio and peak memory.
#   bench-status.sh LUOSHI_BINARY [UNITS] [KEEP_DIR]
# With KEEP_DIR, the generated ledger is kept there, and reused when it is already there.
# Goal: status ≤ 3× cat-file, peak memory < 300 MB. Every actor signs with the same key (one key
# file, linked under every actor's name): making 10,000 keys would take longer than the benchmark.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
luoshi=$(realpath "$1")
units=${2:-10000}
keep=${3:+$(realpath -m "$3")}
work=$(mktemp -d /tmp/luoshi-bench-status.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ -n "$keep" ] && [ -d "$keep/ledger" ]; then
  ln -s "$keep/ledger" ledger
else
  "$here/generate-units.sh" "$luoshi" "$units"
  if [ -n "$keep" ]; then mkdir -p "$keep" && mv ledger "$keep/ledger" && ln -s "$keep/ledger" ledger; fi
fi

git --git-dir ledger ls-tree -r refs/heads/main directives/D-1 \
  | awk '$4 ~ /\/(plan|progress|directive)\.json$/ { print $3 }' > blobs.txt
plans=$(git --git-dir ledger ls-tree -r --name-only refs/heads/main directives/D-1 | grep -c '/plan\.json$')

# Best of three runs each, so a cold page cache does not decide the ratio; wall time from `date`
# (finer than time's %e), peak memory from /usr/bin/time.
timed() { # NAME COMMAND... < input: appends "seconds peak-KB" to NAME.runs
  local name=$1; shift
  local start; start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$name.mem" "$@" >/dev/null
  echo "$(echo "$(date +%s.%N) - $start" | bc) $(cat "$name.mem")" >> "$name.runs"
}
for i in 1 2 3; do
  timed catfile git --git-dir ledger cat-file --batch < blobs.txt
  timed status "$luoshi" status --ledger ledger --directive D-1 --format json
done
cat_s=$(awk '{print $1}' catfile.runs | sort -n | head -1)
status_s=$(awk '{print $1}' status.runs | sort -n | head -1)
status_mb=$(( $(awk '{print $2}' status.runs | sort -n | tail -1) / 1024 ))
"$luoshi" status --ledger ledger --directive D-1 --format json | python3 -c '
import json, sys
m = json.load(sys.stdin)["matrices"][0]
assert len(m["units"]) >= '"$plans"', "status lists fewer units than there are plans"
' 

python3 - "$plans" "$(wc -l < blobs.txt)" "$cat_s" "$status_s" "$status_mb" <<'PY'
import sys
plans, blobs, cs, ss, mb = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
ratio = ss / max(cs, 0.01)
print(f"status of one directive over {plans} unit plans ({blobs} blobs), best of 3")
print(f"{'git cat-file --batch (the same blobs)':<44}{cs:>8.2f} s")
print(f"{'luoshi status --format json':<44}{ss:>8.2f} s{ratio:>8.1f}x   (goal ≤ 3x)")
print(f"luoshi status peak memory: {mb} MB (goal < 300 MB)")
PY
