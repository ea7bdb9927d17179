#!/usr/bin/env bash
# Copies over git at scale, on a generated ledger of about COMMITS commits (generate-ledger.sh):
# 1. a push of NEW new commits (signed reports, made by the bulk import on a copy) into a central
#    with the receive check, next to the same push into a central without it, in the same run;
#    goal: the check adds at most as much as the push itself (<= 2x in all);
# 2. `luoshi sync` of one new commit each way (central moved on by one report while the copy made
#    one: fetch, verify, replay, push through the receive check), next to stock `git fetch` plus
#    `git push` of the same commits; goal <= 3x.
# Prints the generation time, then each figure, its baseline, the ratio and peak memory.
#   bench-sync.sh LUOSHI_BINARY [COMMITS] [NEW] [KEEP_DIR]
# The copies it makes of the central (the two centrals, the unit's copies) are whole copies through
# git's pack protocol, as a new replica gets them. The bulk import writes its objects without deltas,
# so on the way git would search deltas for every object of the ledger (hours at a million commits):
# while the copies are made, the ledger copied from is told not to (pack.window=0), and the setting
# is removed before anything is timed, so the timed pushes and fetches run with git's defaults.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
luoshi=$(realpath "$1")
commits=${2:-100000} new=${3:-10000} keep=${4:-}
if [ -n "$keep" ]; then
  mkdir -p "$keep"; work=$(realpath "$keep")
else
  work=$(mktemp -d /tmp/luoshi-bench-sync.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
cd "$work"
[ -f ledger/HEAD ] || "$here/generate-ledger.sh" "$luoshi" "$commits" 2
rm -rf source.git checked.git plain.git copy.git gitcopy.git ./*.time ./*.packs
last=$(git --git-dir ledger log -1 --format=%ct refs/heads/main)
python3 - "$new" "$last" <<'PY'
import datetime, json, sys
new, last = map(int, sys.argv[1:3])
iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
counties = [f"cn/p{p:02d}/c{c:02d}/k{k:02d}" for p in range(20) for c in range(10) for k in range(10)]
with open("new.jsonl", "w") as f:
    for i in range(new):
        n = (i * 7919 + 13) % len(counties)
        f.write(json.dumps({"action": "report-progress", "actor": f"u{n}", "at": iso(last + 60 + i * 30), "unit": counties[n],
                            "directive": f"D-{i % 2}", "clause": str(1 + i % 3), "status": "in-progress",
                            "evidence": [{"kind": "data", "title": f"发文登记簿 新{i}号", "sha256": f"{i + 10**9:064x}"}],
                            "note": f"本月压减文件{i % 17}件。"}, ensure_ascii=False) + "\n")
PY
copying() { git --git-dir "$1" config pack.window 0; }      # a repository copies are made from: no delta search
copied() { git --git-dir "$1" config --unset pack.window; }  # and back to git's default before anything is timed
git clone -q --bare ledger source.git
"$luoshi" import new.jsonl --ledger source.git --keys keys >/dev/null
step() { echo "$(date +%T) $*" >&2; }
step "copying the central twice (git clone --no-local)"
copying ledger
git clone -q --bare --no-local ledger checked.git
"$luoshi" hooks install --ledger checked.git >/dev/null
git clone -q --bare --no-local ledger plain.git
copied ledger
cat ledger/objects/pack/* source.git/objects/pack/* checked.git/objects/pack/* plain.git/objects/pack/* >/dev/null

timed() {   # name, command...: wall time and peak resident memory of one run
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$name.time" "$@" >"$name.out" 2>"$name.err" || { echo "$name failed: $(tail -c 400 "$name.err")" >&2; exit 1; }
}
# The push is timed RUNS times (3 unless set): before each run both centrals are put back as the
# copies left them (the packs and loose objects a push added removed, main where it was), so every run
# pushes the same 10,000 commits into the same central. git's own time moves a lot between runs on a
# shared machine; the table gives the median run's and every run's ratio.
runs=${RUNS:-3}
base=$(git --git-dir ledger rev-parse main)
for r in checked.git plain.git; do ls "$r/objects/pack" >"$r.packs"; done
restore() {
  for r in checked.git plain.git; do
    for f in "$r"/objects/pack/*; do grep -qxF "$(basename "$f")" "$r.packs" || rm -f "$f"; done
    find "$r/objects" -mindepth 1 -maxdepth 1 -type d -name '??' -exec rm -rf {} +
    git --git-dir "$r" update-ref refs/heads/main "$base"
  done
}
for run in $(seq "$runs"); do
  step "timing the pushes, run $run of $runs"
  restore
  timed "plainpush.$run" git --git-dir source.git push -q "$work/plain.git" refs/heads/main:refs/heads/main
  timed "checkedpush.$run" git --git-dir source.git push -q "$work/checked.git" refs/heads/main:refs/heads/main
  [ "$(git --git-dir checked.git rev-parse main)" = "$(git --git-dir source.git rev-parse main)" ] || { echo "the checked push did not land" >&2; exit 1; }
done

# One new commit each way: a copy made before central moves on by one report, which makes one itself.
step "a unit's copy of each central (luoshi clone verifies it from genesis)"
copying checked.git; copying plain.git
"$luoshi" clone "$work/checked.git" copy.git >/dev/null
git clone -q --bare --no-local plain.git gitcopy.git
copied checked.git; copied plain.git
step "timing the sync"
"$luoshi" report --ledger checked.git --unit cn/p01/c02/k03 --directive D-0 --clause 2 --status in-progress --note central --key keys/impl >/dev/null
git --git-dir checked.git push -q "$work/plain.git" main:main
"$luoshi" report --ledger copy.git --unit cn/p04/c05/k06 --directive D-1 --clause 2 --status in-progress --note copy --key keys/impl >/dev/null
local_commit=$(git --git-dir copy.git rev-parse main)
git --git-dir gitcopy.git fetch -q "$work/copy.git" "$local_commit"
timed gitfetch git --git-dir gitcopy.git fetch -q "$work/plain.git" main:refs/remotes/central/main
timed gitpush git --git-dir gitcopy.git push -q "$work/plain.git" "$local_commit:refs/heads/unit"
timed sync "$luoshi" sync --ledger copy.git --key keys/impl --format json
[ "$(git --git-dir copy.git rev-parse main)" = "$(git --git-dir checked.git rev-parse main)" ] || { echo "sync did not land" >&2; exit 1; }

python3 - "$commits" "$new" "$runs" <<'PY'
import json, sys
commits, new, runs = map(int, sys.argv[1:4])
def read(name):
    s, kb = open(f"{name}.time").read().split()
    return float(s), int(kb) // 1024
pushes = sorted(((read(f"checkedpush.{n}"), read(f"plainpush.{n}")) for n in range(1, runs + 1)), key=lambda p: p[0][0] / p[1][0])
checked, plain = pushes[len(pushes) // 2]
every = ", ".join(f"{c[0]:.2f}/{p[0]:.2f} s = {c[0] / p[0]:.2f}x" for c, p in pushes)
fetch, push, sync = read("gitfetch"), read("gitpush"), read("sync")
report = json.load(open("sync.out"))
base = fetch[0] + push[0]
print(f"| question ({commits:,}-commit central) | luoshi | baseline in the same run | ratio | goal | peak memory |")
print("| --- | --- | --- | --- | --- | --- |")
print(f"| push of {new:,} commits with the receive check (the median of {runs} runs) | {checked[0]:.2f} s | the same push without it, {plain[0]:.2f} s | {checked[0] / plain[0]:.2f}x | <= 2x | {checked[1]} MB |")
print(f"| luoshi sync, one commit each way (received {report['received']}, replayed {report['replayed']}, sent {report['sent']}) | {sync[0]:.2f} s | git fetch {fetch[0]:.2f} s + git push {push[0]:.2f} s | {sync[0] / base:.2f}x | <= 3x | {sync[1]} MB |")
print(f"\nevery run of the push, with the check / without it, sorted by ratio: {every}")
PY
