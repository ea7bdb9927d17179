#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (Linux, Swift's toolchain ships it): the same properties
# as luoshi-fuzz (Sources/luoshi-fuzz/FuzzTargets.swift), compiled with LedgerModel's sources and
# -sanitize=fuzzer,address. Seeds: every line and record of Tests/Fuzz/corpus; the corpus it grows
# is kept in .build-fuzz/corpus between runs, crashes go to .build-fuzz/crashes.
#
#   scripts/libfuzzer.sh [SECONDS]        (default 600; `make fuzz-libfuzzer FUZZ_SECONDS=3600`)
set -euo pipefail
seconds=${1:-600}
cd "$(dirname "$0")/.."
out=.build-fuzz
mkdir -p "$out/corpus" "$out/seeds" "$out/crashes"
swiftc -O -sanitize=fuzzer,address -parse-as-library -D LIBFUZZER -module-name LedgerModel \
  Sources/LedgerModel/*.swift Sources/luoshi-fuzz/FuzzTargets.swift Tests/Fuzz/LibFuzzerEntry.swift \
  -o "$out/luoshi-libfuzzer" 2>&1 | grep -v "Cannot export local symbol" || true
python3 - "$out/seeds" <<'PY'
import hashlib, pathlib, sys
out = pathlib.Path(sys.argv[1])
for f in sorted(pathlib.Path("Tests/Fuzz/corpus").rglob("*")):
    if not f.is_file():
        continue
    data = f.read_bytes()
    parts = data.split(b"\n") if f.suffix in (".jsonl", ".txt") else [data]
    for p in parts:
        if p and not p.startswith(b"#"):
            (out / hashlib.sha1(p).hexdigest()).write_bytes(p)
PY
"$out/luoshi-libfuzzer" -max_total_time="$seconds" -timeout=10 -max_len=65536 -artifact_prefix="$out/crashes/" \
  "$out/corpus" "$out/seeds"
