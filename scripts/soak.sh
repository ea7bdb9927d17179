#!/usr/bin/env bash
# Soak: many writers, crashes and readers against one ledger, then proof that nothing was lost.
#
#   scripts/soak.sh LUOSHI [SECONDS]        (default 60 seconds; `make soak`)
#
# For SECONDS, 8 writer processes (one unit each) append batches of 1-5 report-progress events
# with `luoshi import`, logging each batch only after the import said it succeeded; a killer
# sends kill -9 to a random writer (the writer loop and its luoshi process) every 0.2-1 s and
# starts it again; three readers run `luoshi diff`, `luoshi log` and `luoshi verify` in loops.
# Then it proves: every event a writer saw succeed is in the ledger (matched by its note), no
# object is corrupt (`git fsck --full`), `luoshi verify` is clean, no reader failed, and the ledger
# still takes a write (a lock left by a killed writer is broken once it is 5 s old). Prints
# the events written, kills survived and time taken; the last line is `soak: ok ...` or
# `soak: FAILED ...` (exit 1). SOAK_KEEP=1 keeps the work folder.
set -euo pipefail

# --- writer mode: scripts/soak.sh --writer LUOSHI WORK N DEADLINE -------------------------------
if [[ ${1:-} == --writer ]]; then
  luoshi=$2 work=$3 n=$4 deadline=$5
  batches=0
  while (( $(date +%s) < deadline )); do
    batches=$((batches + 1))
    size=$(( RANDOM % 5 + 1 ))
    batch="$work/w$n.batch.$$"
    notes="$work/w$n.notes.$$"
    : > "$batch"; : > "$notes"
    at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    for ((i = 0; i < size; i++)); do
      note="soak w$n b$$.$batches r$RANDOM$RANDOM e$i"
      printf '{"action": "report-progress", "actor": "w%s", "at": "%s", "unit": "cn/p%s", "directive": "D-SOAK", "clause": "1", "status": "in-progress", "values": {"done_pct": %d}, "note": "%s"}\n' \
        "$n" "$at" "$n" $(( RANDOM % 101 )) "$note" >> "$batch"
      echo "$note" >> "$notes"
    done
    if "$luoshi" import "$batch" --ledger "$work/ledger" --keys "$work/keys" > /dev/null 2> "$batch.err"; then
      # Acknowledged: only now does the writer count these events as written.
      cat "$notes" >> "$work/acked-w$n.log"
    else
      echo "exit $?: $(head -c 300 "$batch.err")" >> "$work/failed-w$n.log"
    fi
  done
  rm -f "$work/w$n.batch.$$" "$work/w$n.notes.$$" "$work/w$n.batch.$$.err"
  exit 0
fi

# --- reader mode: scripts/soak.sh --reader LUOSHI WORK NAME DEADLINE -------------------------------
if [[ ${1:-} == --reader ]]; then
  luoshi=$2 work=$3 name=$4 deadline=$5
  runs=0
  while (( $(date +%s) < deadline )); do
    case $name in
      diff) args=(diff --directive D-SOAK --unit "cn/p$(( RANDOM % 8 + 1 ))" --format json) ;;
      log) args=(log --directive D-SOAK) ;;
      verify) args=(verify --format json) ;;
    esac
    if ! "$luoshi" "${args[@]}" --ledger "$work/ledger" > "$work/reader-$name.out" 2> "$work/reader-$name.err"; then
      echo "luoshi ${args[*]}: exit $?: $(head -c 500 "$work/reader-$name.err") $(head -c 500 "$work/reader-$name.out")" >> "$work/reader-failures.log"
    fi
    runs=$((runs + 1))
    echo "$runs" > "$work/reader-$name.runs"
  done
  exit 0
fi

# --- the soak -------------------------------------------------------------------------------------
luoshi=${1:?usage: scripts/soak.sh LUOSHI [SECONDS]}
seconds=${2:-60}
[[ $luoshi == /* ]] || luoshi="$PWD/$luoshi"
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
writers=8
work=$(mktemp -d "${TMPDIR:-/tmp}/luoshi-soak.XXXXXX")
pids=()       # every background process group we started, so that cleanup ends exactly those
declare -A writer_pid

cleanup() {
  for p in "${pids[@]}"; do kill -9 -- "-$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  if [[ ${SOAK_KEEP:-} == 1 ]]; then echo "soak: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "soak: FAILED: $*"; exit 1; }

# A ledger with 8 provinces, one implementer each, all implementing one directive.
mkdir -p "$work/keys"
actors="admin central.office"
for ((n = 1; n <= writers; n++)); do actors="$actors w$n"; done
for a in $actors; do ssh-keygen -q -t ed25519 -N '' -C "$a" -f "$work/keys/$a"; done
key() { cat "$work/keys/$1.pub"; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
today=$(date -u +%Y-%m-%d)
{
  echo "{\"action\": \"register-unit\", \"actor\": \"admin\", \"at\": \"$now\", \"unit\": {\"id\": \"cn\", \"name\": \"Centre\", \"level\": \"central\"}}"
  for ((n = 1; n <= writers; n++)); do
    echo "{\"action\": \"register-unit\", \"actor\": \"admin\", \"at\": \"$now\", \"unit\": {\"id\": \"cn/p$n\", \"name\": \"Province $n\", \"level\": \"province\"}}"
  done
  echo "{\"action\": \"register-actor\", \"actor\": \"admin\", \"at\": \"$now\", \"actorRecord\": {\"id\": \"central.office\", \"name\": \"Central Office\", \"unit\": \"cn\", \"roles\": [\"issuer\"], \"keys\": [\"$(key central.office)\"]}}"
  for ((n = 1; n <= writers; n++)); do
    echo "{\"action\": \"register-actor\", \"actor\": \"admin\", \"at\": \"$now\", \"actorRecord\": {\"id\": \"w$n\", \"name\": \"Writer $n\", \"unit\": \"cn/p$n\", \"roles\": [\"implementer\"], \"keys\": [\"$(key "w$n")\"]}}"
  done
  echo "{\"action\": \"issue-directive\", \"actor\": \"central.office\", \"at\": \"$now\", \"directive\": {\"id\": \"D-SOAK\", \"title\": \"Soak\", \"issuer\": \"cn\", \"issued\": \"$today\", \"scope\": {\"units\": [\"cn\"], \"levels\": [\"province\"]}, \"reporting\": {\"every\": \"P1M\"}, \"clauses\": [{\"id\": \"1\", \"text\": \"Report often.\", \"modality\": \"must\", \"targets\": [{\"metric\": \"done_pct\", \"op\": \">=\", \"value\": 50, \"unit\": \"%\"}], \"evidence\": \"any\", \"localize\": false}]}}"
  for ((n = 1; n <= writers; n++)); do
    echo "{\"action\": \"adopt\", \"actor\": \"w$n\", \"at\": \"$now\", \"unit\": \"cn/p$n\", \"directive\": \"D-SOAK\", \"from\": \"cn\"}"
  done
} > "$work/setup.jsonl"
"$luoshi" init "$work/ledger" --admin admin --key "$work/keys/admin" --name soak > /dev/null
"$luoshi" import "$work/setup.jsonl" --ledger "$work/ledger" --keys "$work/keys" > /dev/null
setup_commits=$(git --git-dir "$work/ledger" rev-list --count refs/heads/main)

start=$(date +%s)
deadline=$((start + seconds))
start_writer() {
  setsid "$self" --writer "$luoshi" "$work" "$1" "$deadline" < /dev/null &
  writer_pid[$1]=$!
  pids+=($!)
}
for ((n = 1; n <= writers; n++)); do start_writer "$n"; done
for r in diff log verify; do
  setsid "$self" --reader "$luoshi" "$work" "$r" "$deadline" < /dev/null &
  pids+=($!)
done

# The killer: kill -9 a random writer's process group (the loop and the luoshi it runs), then restart it.
kills=0
while (( $(date +%s) < deadline )); do
  sleep "0.$(( RANDOM % 8 + 2 ))"
  (( $(date +%s) < deadline - 1 )) || break
  n=$(( RANDOM % writers + 1 ))
  if kill -9 -- "-${writer_pid[$n]}" 2> /dev/null; then
    kills=$((kills + 1))
    wait "${writer_pid[$n]}" 2> /dev/null || true
  fi
  start_writer "$n"
done

# Let every writer and reader finish its last round (each checks the deadline before starting one).
grace=$((deadline + 60))
for p in "${pids[@]}"; do
  while kill -0 "$p" 2> /dev/null; do
    (( $(date +%s) < grace )) || fail "process $p still running 60 s after the deadline"
    sleep 0.2
  done
done
wait 2> /dev/null || true
elapsed=$(( $(date +%s) - start ))

# --- the proof ------------------------------------------------------------------------------------
ledger="$work/ledger"
stale=$( { ls "$ledger"/refs/heads/*.lock 2> /dev/null || true; } | wc -l)
# A writer killed while it held the ref's lock must not leave the ledger stuck: one more write must succeed.
probe="soak probe after $kills kills"
printf '{"action": "report-progress", "actor": "w1", "at": "%s", "unit": "cn/p1", "directive": "D-SOAK", "clause": "1", "status": "done", "note": "%s"}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$probe" > "$work/probe.jsonl"
"$luoshi" import "$work/probe.jsonl" --ledger "$ledger" --keys "$work/keys" > /dev/null 2> "$work/probe.err" \
  || fail "the ledger refuses writes after the soak ($stale lock files left): $(head -c 300 "$work/probe.err")"
echo "$probe" >> "$work/acked-w1.log"
cat "$work"/acked-w*.log 2> /dev/null | sort > "$work/acked.txt" || true
acked=$(wc -l < "$work/acked.txt")
(( acked > 0 )) || fail "no writer saw a single write succeed: $(cat "$work"/failed-w*.log 2> /dev/null | head -5)"
for ((n = 1; n <= writers; n++)); do
  git --git-dir "$ledger" show "refs/heads/main:directives/D-SOAK/plans/cn/p$n/progress.json" 2> /dev/null || true
done | python3 -c '
import json, sys
text = sys.stdin.read()
dec = json.JSONDecoder()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    record, i = dec.raw_decode(text, i)
    for r in record.get("reports", []):
        if "note" in r: print(r["note"])
' | sort > "$work/ledger-notes.txt"
written=$(wc -l < "$work/ledger-notes.txt")
lost=$(comm -23 "$work/acked.txt" "$work/ledger-notes.txt" | wc -l)
(( lost == 0 )) || fail "$lost acknowledged events are not in the ledger, e.g. $(comm -23 "$work/acked.txt" "$work/ledger-notes.txt" | head -3 | tr '\n' ';')"
duplicates=$(uniq -d "$work/ledger-notes.txt" | wc -l)
(( duplicates == 0 )) || fail "$duplicates events are in the ledger twice"
commits=$(git --git-dir "$ledger" rev-list --count refs/heads/main)
(( commits - setup_commits == written )) || fail "$((commits - setup_commits)) commits since setup but $written events in the records"

git --git-dir "$ledger" fsck --full --strict > "$work/fsck.txt" 2>&1 || fail "git fsck --full: $(head -5 "$work/fsck.txt")"
"$luoshi" verify --ledger "$ledger" --format json > "$work/verify.json" || fail "luoshi verify: $(head -c 600 "$work/verify.json")"
if [[ -s $work/reader-failures.log ]]; then
  fail "$(wc -l < "$work/reader-failures.log") reader runs failed, first: $(head -1 "$work/reader-failures.log")"
fi
reads=0
for r in diff log verify; do reads=$((reads + $(cat "$work/reader-$r.runs" 2> /dev/null || echo 0))); done
failed_imports=$( { cat "$work"/failed-w*.log 2> /dev/null || true; } | wc -l)

batches=$( { cat "$work"/acked-w*.log 2> /dev/null || true; } | awk '{print $2, $3}' | sort -u | wc -l)
(( failed_imports * 10 <= batches )) || fail "$failed_imports imports refused against $batches that succeeded, first: $(head -1 "$work"/failed-w*.log)"

echo "soak: $writers writers, $kills kills (restarted), $reads reader runs, $elapsed s"
echo "soak: $written events written in $((commits - setup_commits)) commits, $acked acknowledged, 0 lost; $failed_imports imports refused; locks left by a killed writer at the end: $stale (the probe write broke them)"
if (( failed_imports > 0 )); then
  echo "soak: refused imports, first 3:"; sort "$work"/failed-w*.log | uniq -c | sort -rn | head -3 | sed 's/^/  /'
fi
echo "soak: ok: $written events written, $acked acknowledged and all present, $kills kills survived, fsck and verify clean, in $elapsed s"
