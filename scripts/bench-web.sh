#!/usr/bin/env bash
# The web UI's matrix over a generated ledger of UNITS unit plans (generate-units.sh), next to the
# static `report-html` of the same ledger, in the same run: the server's time for the matrix page's
# first page (the first request after start, which reads the status, and the same request again),
# and headless Chromium's time from navigation to a rendered first page of the matrix, for the
# live page and for the static report opened from a file. The time to the first rows is taken in
# the page through the DevTools protocol (a script the browser runs before the page's own, watching
# for the matrix's first row, then the next frame). The live page is asked once the server has
# read the status at start, again, and once more after a write has moved the head (when the server
# reads the status again). Goal: the live page's first page no slower than the static report's.
#   bench-web.sh LUOSHI_BINARY [UNITS] [KEEP_DIR]
# With KEEP_DIR, the generated ledger is kept there, and reused when it is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
luoshi=$(realpath "$1")
units=${2:-40000}
keep=${3:+$(realpath -m "$3")}
work=$(mktemp -d /tmp/luoshi-bench-web.XXXXXX)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
if [ -n "$keep" ] && [ -d "$keep/ledger" ]; then
  ln -s "$keep/ledger" ledger
  [ -d "$keep/keys" ] && ln -s "$keep/keys" keys
else
  echo "setting up: $units unit plans and their reports (not timed)..." >&2
  "$here/generate-units.sh" "$luoshi" "$units"
  if [ -n "$keep" ]; then
    mkdir -p "$keep" && mv ledger keys "$keep/" && ln -s "$keep/ledger" ledger && ln -s "$keep/keys" keys
  fi
fi

start=$(date +%s.%N)
"$luoshi" report-html --ledger ledger --directive D-1 --out report.html >/dev/null
static_build=$(echo "$(date +%s.%N) - $start" | bc)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$luoshi" serve --ledger ledger --public --listen "127.0.0.1:$port" >serve.log 2>&1 &
server=$!
for _ in $(seq 600); do
  verification=$(curl -sf "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verification"])' 2>/dev/null || true)
  [ "$verification" = ok ] && break
  kill -0 "$server" 2>/dev/null || { cat serve.log >&2; exit 1; }
  sleep 0.5
done
[ "$verification" = ok ] || { echo "the server did not finish verifying the ledger" >&2; exit 1; }
# After verifying, the server reads every directive's status once; the first page is asked after that.
for _ in $(seq 1200); do grep -q "read the status of" serve.log && break; sleep 0.5; done

python3 - "$port" "$work/report.html" "$static_build" "$units" "$server" "$luoshi" <<'PY'
import json, os, shutil, subprocess, sys, time, urllib.request
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

port, report, static_build, units, server, luoshi = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
live = f"http://127.0.0.1:{port}/directives/D-1/matrix?lang=en"

def server_time():
    start = time.perf_counter()
    with urllib.request.urlopen(live) as r:
        body = r.read()
    return time.perf_counter() - start, body

options = webdriver.ChromeOptions()
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768"):
    options.add_argument(arg)
options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(600)
# Runs in every document before its own scripts: notes when the matrix's first row is there, then
# the frame after it (when it has been painted).
driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": """
  (() => {
    const rows = 'table.matrix tbody tr, #matrix-table tbody tr';
    const seen = () => {
      if (window.__firstRows || !document.querySelector(rows)) return false;
      window.__firstRows = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__painted = performance.now(); }));
      return true;
    };
    new MutationObserver((_, observer) => { if (seen()) observer.disconnect(); }).observe(document, { childList: true, subtree: true });
  })();"""})

def rendered(url):
    driver.get(url)
    for _ in range(6000):
        painted = driver.execute_cdp_cmd("Runtime.evaluate", {"expression": "window.__painted || 0", "returnByValue": True})["result"]["value"]
        if painted:
            return painted / 1000
        time.sleep(0.05)
    raise SystemExit(f"no matrix row rendered at {url}")

rss = lambda: int(open(f"/proc/{server}/status").read().split("VmRSS:")[1].split()[0]) // 1024
live_first = rendered(live)                # the first request after start (the status was read at start)
warm_server, body = min(server_time() for _ in range(3))
live_warm = min(rendered(live) for _ in range(3))
static = min(rendered("file://" + report) for _ in range(3))
# A write moves the head: the next request reads the status again (skipped for a kept ledger
# whose keys were not kept).
after_write = None
if os.path.exists("keys/a0"):
    subprocess.run([luoshi, "report", "--ledger", "ledger", "--unit", "cn/p00", "--directive", "D-1", "--clause", "1", "--status", "in-progress",
                    "--key", "keys/a0"], check=True, stdout=subprocess.DEVNULL)
    after_write = rendered(live)
memory = rss()
driver.quit()
size = lambda n: f"{n / 1e6:.1f} MB" if n > 1e6 else f"{n / 1e3:.0f} KB"
import os
print(f"matrix of D-1 over {units} unit plans (browser: headless Chromium, time to the first page of the matrix painted)")
print(f"  live page, first request after start    {live_first:7.2f} s   (the server read the status at start)")
print(f"  live page, again (best of 3)            {live_warm:7.2f} s   (server answers in {warm_server * 1000:.0f} ms, page {size(len(body))})")
if after_write is not None:
    print(f"  live page, first request after a write  {after_write:7.2f} s   (the server reads the status again; {memory} MB resident after)")
else:
    print(f"  live page after a write: not measured (the kept ledger has no keys to write with); {memory} MB resident")
print(f"  static report-html, opened from a file  {static:7.2f} s   (best of 3; written in {static_build:.1f} s, {size(os.path.getsize(report))})")
print(f"  live first request / static             {live_first / static:7.2f}x  (goal ≤ 1x)")
if after_write is not None:
    print(f"  live after a write / static             {after_write / static:7.2f}x")
PY
