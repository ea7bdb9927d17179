#!/usr/bin/env bash
# Loads an events file into a fresh ledger, making a key for every actor it names.
#   load-sample.sh EVENTS.jsonl LEDGER_DIR LUOSHI_BINARY
# Keys go to LEDGER_DIR.keys/; ${KEY:<actor>} placeholders are filled with their public keys.
# When EVENTS.witnesses exists beside it (lines "<checkpoint id> <actor>"), each actor then co-signs
# that checkpoint with `luoshi witness`.
set -euo pipefail
events=$1 ledger=$2 luoshi=$3
keys="$ledger.keys"
rm -rf "$ledger" "$keys"
mkdir -p "$keys"
for a in $(python3 - "$events" <<'PY'
import json, re, sys
names = {"admin"}
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#"):
        names.add(json.loads(line)["actor"])
        names.update(re.findall(r"\$\{KEY:([^}]+)\}", line))
print("\n".join(sorted(names)))
PY
); do
  ssh-keygen -q -t ed25519 -N '' -C "$a" -f "$keys/$a"
done
python3 - "$events" "$keys" "$keys/events.jsonl" <<'PY'
import re, sys
src, keys, dst = sys.argv[1:]
text = open(src, encoding="utf-8").read()
fill = lambda m: open(f"{keys}/{m.group(1)}.pub").read().strip()
open(dst, "w", encoding="utf-8").write(re.sub(r"\$\{KEY:([^}]+)\}", fill, text))
PY
"$luoshi" init "$ledger" --admin admin --key "$keys/admin" --name "$(basename "$events" .jsonl)"
"$luoshi" import "$keys/events.jsonl" --ledger "$ledger" --keys "$keys"
witnesses="${events%.jsonl}.witnesses"
if [ -f "$witnesses" ]; then
  grep -v '^#' "$witnesses" | while read -r checkpoint actor; do
    [ -n "$checkpoint" ] || continue
    "$luoshi" witness "$checkpoint" --ledger "$ledger" --key "$keys/$actor" >/dev/null
  done
fi
