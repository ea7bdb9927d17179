#!/usr/bin/env bash
# `luoshi serve` under load, in one run.
# Writes: a generated ledger of UNITS units (default 2,000) on three levels, one directive adopted by
# every unit; `luoshi serve --public` on a free loopback port; 16 concurrent clients
# (scripts/serve_client.py, Python threads, each with an in-process SSHSIG signer) write UNITS
# report-progress events in all, each client as the implementers of its own units: prepare (POST
# /api/v1/events), sign the buffer, post the signature, and on 409 sign the fresh pending and post
# again. Latency is from prepare to 201. Afterwards main must hold exactly UNITS more commits, every
# one the clients were told of, and `luoshi verify` must pass.
# The baseline, in the same run: as many commits pushed one a push by 16 concurrent stock `git push`
# clients over smart HTTP (git http-backend behind nginx + fcgiwrap, started here on loopback as the
# current user) to a bare copy of the same ledger, each client a clone committing one small file and
# retrying with `git pull --rebase` when refused. Commits are unsigned and the clients' auto-gc is
# off: the baseline is the cheapest stock git can do.
# Reads: the PLANS-plan ledger of bench-status.sh (default 10,000; made by calling it, kept in
# KEEP_DIR when given): `luoshi status --format json` against the first GET /api/v1/status on a
# freshly started server (best of 3 each, the same bytes), the same GET again at the same head
# (median of 60: as a browser asks, with gzip accepted, the bytes as they arrive; then decoded by
# curl; then without gzip), and wrk, 16 connections for 10 s, on /api/v1/diff. Peak server memory is VmHWM.
#   bench-serve.sh LUOSHI_BINARY [UNITS] [PLANS] [KEEP_DIR]
# PUSHES=N caps the baseline's commits (default: as many as luoshi writes). Sixteen git clients land
# about one push a second between them, so 2,000 pushes take half an hour; the ratio compares rates,
# each measured over its whole run.
# Goals: luoshi writes/s >= 10x git pushes/s; write p99 <= 100 ms; first status <= 1.5x the CLI; a
# repeated status <= 5 ms; server peak memory < 400 MB. Prints numbers and ratios; asserts no times.
# Needs nginx, fcgiwrap and wrk (installed with apt-get when missing) and python3-cryptography.
set -euo pipefail
luoshi=$(realpath "$1")
units=${2:-2000}
plans=${3:-10000}
keep=${4:+$(realpath -m "$4")}
clients=16
events=$units
pushes=${PUSHES:-$events}
here=$(cd "$(dirname "$0")" && pwd)
client=$here/serve_client.py
export NO_PROXY='*' no_proxy='*'

missing=""
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v fcgiwrap >/dev/null || [ -x /usr/sbin/fcgiwrap ] || missing="$missing fcgiwrap"
command -v wrk >/dev/null || missing="$missing wrk"
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install -q --break-system-packages cryptography 2>/dev/null || python3 -m pip install -q cryptography
PATH=$PATH:/usr/sbin
http_backend=$(git --exec-path)/git-http-backend

work=$(mktemp -d /tmp/luoshi-bench-serve.XXXXXX)
groups=()   # process groups started here: each daemon runs under setsid, so its children go with it
stop_group() { # PGID: SIGTERM, then SIGKILL after 10 s
  local g=$1
  kill -TERM -- "-$g" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 -- "-$g" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$g" 2>/dev/null || true
}
cleanup() {
  for g in "${groups[@]}"; do stop_group "$g"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$work"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # LEDGER LOG: starts luoshi serve --public, sets $port, $server and $start_hwm (the peak up to
          # the end of its start-up verification); waits for that verification
  port=$(free_port)
  setsid "$luoshi" serve --ledger "$1" --listen "127.0.0.1:$port" --public >"$2" 2>&1 &
  server=$!; groups+=("$server")
  local state=""
  for _ in $(seq 6000); do
    state=$(curl -s --max-time 5 "http://127.0.0.1:$port/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["verification"])' 2>/dev/null || true)
    if [ "$state" = ok ]; then
      start_hwm=$(hwm_kb "$server")
      echo 5 > "/proc/$server/clear_refs" 2>/dev/null || true   # from here VmHWM is the peak while serving
      return 0
    fi
    [ "$state" = failed ] && { echo "the server's start-up verification failed:" >&2; cat "$2" >&2; exit 1; }
    kill -0 "$server" 2>/dev/null || { echo "luoshi serve exited:" >&2; cat "$2" >&2; exit 1; }
    sleep 0.1
  done
  echo "luoshi serve did not get ready in 600 s" >&2; exit 1
}
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
unserve() { # stops $server and waits for it; the exit status must be 0 (SIGTERM ends it after the requests in flight)
  kill -TERM "$server"
  local rc=0; wait "$server" || rc=$?
  [ "$rc" -eq 0 ] || echo "luoshi serve exited $rc on SIGTERM" >&2
  local kept=() g
  for g in "${groups[@]}"; do [ "$g" = "$server" ] || kept+=("$g"); done
  groups=("${kept[@]}")
}
now() { date +%s.%N; }

# ---------------------------------------------------------------------------------------- writes
echo "setting up: a ledger of $units units (not timed)..." >&2
mkdir keys
ssh-keygen -q -t ed25519 -N '' -C bench -f keys/shared
python3 "$client" generate "$units" keys/shared.pub events.jsonl units.json > actors.txt
while read -r a; do ln -s shared "keys/$a"; done < actors.txt
"$luoshi" init ledger --admin admin --key keys/admin >/dev/null
"$luoshi" import events.jsonl --ledger ledger --keys keys >/dev/null
before=$(git --git-dir ledger rev-list --count refs/heads/main)
mkdir git
git clone -q --bare --single-branch --branch main ledger git/ledger.git
git --git-dir git/ledger.git config http.receivepack true

echo "writes: $events report-progress events from $clients clients through luoshi serve..." >&2
serve ledger serve-writes.log
write_start_hwm=$start_hwm
python3 "$client" writes "http://127.0.0.1:$port" keys/shared units.json "$clients" "$events" writes.json
write_hwm=$(hwm_kb "$server")
unserve
after=$(git --git-dir ledger rev-list --count refs/heads/main)
git --git-dir ledger rev-list refs/heads/main > main.txt
"$luoshi" verify --ledger ledger --format json > verify.json || true
grep -E '\] (GET|POST|DELETE) [^ ]+ 5[0-9][0-9] ' serve-writes.log > writes-5xx.txt || true

echo "baseline: $pushes commits pushed by $clients git clients to git http-backend behind nginx..." >&2
mkdir -p nginx push
nginx_user=""; [ "$(id -u)" -eq 0 ] && nginx_user="user $(id -un) $(id -gn);"
gport=$(free_port)
cat > nginx/nginx.conf <<EOF
$nginx_user
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  fastcgi_temp_path $work/nginx/fastcgi;
  proxy_temp_path $work/nginx/proxy;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$gport;
    client_max_body_size 0;
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $http_backend;
      fastcgi_param GIT_PROJECT_ROOT $work/git;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param PATH_INFO \$uri;
      fastcgi_pass unix:$work/fcgiwrap.sock;
    }
  }
}
EOF
setsid fcgiwrap -c "$clients" -s "unix:$work/fcgiwrap.sock" 2>fcgiwrap.log &
groups+=("$!")
setsid nginx -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>nginx.log &
groups+=("$!")
giturl="http://127.0.0.1:$gport/ledger.git"
for _ in $(seq 100); do curl -sf "$giturl/info/refs?service=git-upload-pack" >/dev/null && break; sleep 0.1; done
python3 "$client" pushes "$giturl" "$work/push" "$clients" "$pushes" units.json pushes.json
pushed=$(( $(git --git-dir git/ledger.git rev-list --count refs/heads/main) - before ))
for g in "${groups[@]}"; do stop_group "$g"; done
groups=()

# ----------------------------------------------------------------------------------------- reads
reads=${keep:-$work/reads}
if [ ! -d "$reads/ledger" ]; then
  echo "reads: making the $plans-plan ledger with bench-status.sh (its own numbers go to bench-status.txt)..." >&2
  "$here/bench-status.sh" "$luoshi" "$plans" "$reads" > bench-status.txt
fi
rl=$reads/ledger
# The unit wrk asks for: a county whose plan bench-status.sh edited (n % 10 == 3), else the last unit.
unit=$(python3 - "$plans" <<'PY'
import sys
units = int(sys.argv[1])
provinces = min(20, max(1, units // 500)); cities = min(500, max(provinces, units // 20)); counties = max(0, units - provinces - cities)
P = [f"cn/p{p:02d}" for p in range(provinces)]
C = [f"{P[c % provinces]}/c{c:03d}" for c in range(cities)]
k = (3 - provinces - cities) % 10
print(f"{C[k % cities]}/k{k:04d}" if k < counties else C[-1])
PY
)
echo "reads: status over $(git --git-dir "$rl" ls-tree -r --name-only refs/heads/main directives/D-1 | grep -c '/plan\.json$') plans, CLI against a fresh server..." >&2
: > cli.runs; : > first.runs; : > again.runs
for i in 1 2 3; do
  start=$(now)
  "$luoshi" status --ledger "$rl" --directive D-1 --format json > cli.json
  echo "$start $(now)" | awk '{ print $2 - $1 }' >> cli.runs
done
read_hwm=0 read_start_hwm=0
for i in 1 2 3; do
  t0=$(now)
  serve "$rl" "serve-reads-$i.log"
  echo "$t0 $(now)" | awk '{ print $2 - $1 }' >> ready.runs
  echo "$start_hwm" >> start.runs
  curl -s -o first.json -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/api/v1/status?directive=D-1" > first.code
  read -r code secs < first.code
  [ "$code" = 200 ] || { echo "GET /api/v1/status answered $code: $(head -c 300 first.json)" >&2; exit 1; }
  echo "$secs" >> first.runs
  cmp -s first.json cli.json || echo "GET /api/v1/status and luoshi status --format json DIFFER" >&2
  su="http://127.0.0.1:$port/api/v1/status?directive=D-1"
  for _ in $(seq 100); do   # the gzipped copy is made in the background after the first answer
    curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$su" | tr -d '\r' | grep -qi '^content-encoding: gzip' && break
    sleep 0.1
  done
  for _ in $(seq 20); do   # as a browser asks: gzip accepted; the bytes as they arrive
    curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{http_code} %{time_total} %{size_download}\n' "$su" >> again.codes
  done
  for _ in $(seq 20); do   # the same, decoded by curl as it arrives
    curl -s -o /dev/null --compressed -w '%{http_code} %{time_total} %{size_download}\n' "$su" >> decoded.codes
  done
  for _ in $(seq 20); do   # without gzip: the whole JSON
    curl -s -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' "$su" >> plain.codes
  done
  etag=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port/api/v1/status?directive=D-1" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
  for _ in $(seq 20); do   # a client that holds the answer asks with its ETag: 304
    curl -s -o /dev/null -H "If-None-Match: $etag" -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/api/v1/status?directive=D-1" >> etag.codes
  done
  if [ "$i" -lt 3 ]; then
    h=$(hwm_kb "$server"); [ "$h" -gt "$read_hwm" ] && read_hwm=$h
    unserve
  fi
done
cat again.codes decoded.codes plain.codes | awk '$1 != 200 { bad++ } END { if (bad) print bad " repeated GET /api/v1/status did not answer 200" > "/dev/stderr" }'
awk '$1 != 304 { bad++ } END { if (bad) print bad " GET /api/v1/status with If-None-Match did not answer 304" > "/dev/stderr" }' etag.codes
awk '{ print $2 }' again.codes > again.runs
awk '{ print $2 }' etag.codes > etag.runs
echo "reads: status in pages of 100 units, first to last..." >&2
python3 - "http://127.0.0.1:$port/api/v1/status?directive=D-1&limit=100" cli.json > pages.json <<'PY'
import json, sys, time, urllib.parse, urllib.request
base, whole = sys.argv[1], json.load(open(sys.argv[2]))
times, units, cursor = [], [], None
while True:
    url = base + ("&cursor=" + urllib.parse.quote(cursor, safe="") if cursor else "")
    t0 = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        page = json.load(r)
    times.append(time.perf_counter() - t0)
    units += page["matrices"][0]["units"]
    cursor = page["next"]
    if cursor is None:
        break
same = units == whole["matrices"][0]["units"]
json.dump({"times": times, "pages": len(times), "units": len(units), "same": same}, sys.stdout)
PY
diffurl="http://127.0.0.1:$port/api/v1/diff?directive=D-1&unit=$unit"
code=$(curl -s -o diff.json -w '%{http_code}' "$diffurl")
[ "$code" = 200 ] || { echo "GET $diffurl answered $code: $(head -c 300 diff.json)" >&2; exit 1; }
echo "reads: wrk -c16 -d10s on /api/v1/diff?directive=D-1&unit=$unit..." >&2
wrk -t2 -c16 -d10s --latency "$diffurl" > wrk.txt
h=$(hwm_kb "$server"); [ "$h" -gt "$read_hwm" ] && read_hwm=$h
unserve
cat serve-reads-*.log | grep -E '\] (GET|POST|DELETE) [^ ]+ 5[0-9][0-9] ' > reads-5xx.txt || true

# ----------------------------------------------------------------------------------------- table
python3 - "$events" "$clients" "$before" "$after" "$pushed" "$write_hwm" "$read_hwm" "$units" "$write_start_hwm" "$pushes" <<'PY'
import json, re, statistics, sys
def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))] if xs else float("nan")
events, clients, before, after, pushed, write_hwm, read_hwm, units, write_start_hwm, pushes = map(int, sys.argv[1:11])
w, g = json.load(open("writes.json")), json.load(open("pushes.json"))
v = json.load(open("verify.json"))
main = set(open("main.txt").read().split())
told = w["commits"]
missing = [c for c in told if c not in main]
ms = lambda s: s * 1000
print(f"luoshi serve, {clients} concurrent clients, {events} writes on a {units}-unit ledger")
print(f"{'':<44}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'refused':>9}")
print(f"{'luoshi: prepare, sign, post (201)':<44}{w['per_second']:>9.1f}{ms(w['p50']):>9.1f}{ms(w['p99']):>9.1f}{ms(w['max']):>9.1f}{w['conflicts']:>9}   (409s)")
print(f"{'git push over http-backend + nginx':<44}{g['per_second']:>9.1f}{ms(g['p50']):>9.1f}{ms(g['p99']):>9.1f}{ms(g['max']):>9.1f}{g['conflicts']:>9}   (refused pushes)")
ratio = w["per_second"] / g["per_second"] if g["per_second"] else float("inf")
print(f"writes/s ratio luoshi / git: {ratio:.2f}x (goal >= 10x): {'met' if ratio >= 10 else 'MISSED'}; "
      f"luoshi p99 {ms(w['p99']):.1f} ms (goal <= 100 ms): {'met' if w['p99'] <= 0.1 else 'MISSED'}")
print(f"luoshi landed {w['landed']} of {events} in {w['wall']:.1f} s; main moved {before} -> {after} (+{after - before}, "
      f"{'exactly' if after - before == events else 'NOT'} +{events}); {len(told) - len(missing)} of {len(told)} commits the clients "
      f"were given are on main; verify: {v['commits']} commits, {'ok' if v['ok'] else str(len(v['problems'])) + ' PROBLEMS'}")
lines = lambda f: sum(1 for _ in open(f))
print(f"  answers: {json.dumps(w['status'], sort_keys=True)}; {w['error_count']} errors; 5xx in the server log: {lines('writes-5xx.txt')}")
for e in w["errors"][:5] + w["fatal"]:
    print(f"  error: {e}")
print(f"git landed {g['landed']} of {pushes} in {g['wall']:.1f} s; the bare repository's main moved +{pushed}; {g['error_count']} errors")
for e in g["errors"][:5] + g["fatal"]:
    print(f"  error: {e}")

def split(r, names):
    total = sum(r["steps"].values()) or 1
    return ", ".join(f"{n} {ms(r['steps'][n]) / max(r['landed'], 1):.1f} ms ({100 * r['steps'][n] / total:.0f}%)" for n in names)
print(f"per landed write, client side: {split(w, ['prepare', 'sign', 'landing', 'refused'])}; {w['rounds'] / max(w['landed'], 1):.2f} signature posts a write")
print("  (landing: signature posts answered 201; refused: those answered 409, each with the server re-preparing on the new head)")
print(f"per landed push, client side: {split(g, ['commit', 'push', 'refused', 'rebase'])}; {g['rounds'] / max(g['landed'], 1):.2f} pushes a commit")
# The server's own time a request (its access log), against what the clients waited.
logged = lambda f: [(m[1], m[2], int(m[3]), float(m[4])) for m in re.finditer(r"\] (GET|POST|DELETE) (\S+) (\d{3}) ([\d.]+)ms", open(f).read())]
reqs = logged("serve-writes.log")
def kind(path, code):
    return "prepare" if path == "/api/v1/events" else f"signatures {code}"
by = {}
for method, path, code, t in reqs:
    if method != "POST": continue
    by.setdefault(kind(path, code), []).append(t)
print("server side (its log), ms a request: " + "; ".join(
    f"{k} x{len(v)}: p50 {percentile(v, 50):.1f}, p99 {percentile(v, 99):.1f}, total {sum(v) / 1000:.1f} s" for k, v in sorted(by.items())))
dom = max(w["steps"], key=w["steps"].get)
why = {"prepare": "preparing (the server checks the event and builds the objects)",
       "landing": "posting signatures that land (the server checks the signature, writes the commit, moves main)",
       "refused": "lost races: signature posts answered 409 because main moved since prepare (the server re-prepares, the client signs again)",
       "sign": "signing on the client"}[dom]
print(f"luoshi time is dominated by {why}: {100 * w['steps'][dom] / sum(w['steps'].values()):.0f}% of the client's time")

print()
cli = min(float(x) for x in open("cli.runs").read().split())
first = min(float(x) for x in open("first.runs").read().split())
again = statistics.median(float(x) for x in open("again.runs").read().split())
ready = min(float(x) for x in open("ready.runs").read().split())
wrk = open("wrk.txt").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
def wrk_ms(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", wrk, re.M)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
errors = re.search(r"Socket errors: (.*)", wrk)
plans = len(json.load(open("cli.json"))["matrices"][0]["units"])
import os
print(f"reads: status of one directive over {plans} units ({os.path.getsize('cli.json') / 2**20:.1f} MB of JSON)")
print(f"{'luoshi status --format json (CLI), best of 3':<52}{cli * 1000:>9.1f} ms")
print(f"{'first GET /api/v1/status, fresh server, best of 3':<52}{first * 1000:>9.1f} ms{first / cli:>8.2f}x   (goal <= 1.5x): {'met' if first <= 1.5 * cli else 'MISSED'}")
codes = lambda f: [line.split() for line in open(f)]
gz_bytes = statistics.median(int(c[2]) for c in codes("again.codes"))
print(f"{'the same GET again at the same head, gzip accepted':<52}{again * 1000:>9.1f} ms{'':>9}   (goal <= 5 ms): {'met' if again <= 0.005 else 'MISSED'}; "
      f"median of 60, {gz_bytes / 2**20:.2f} MB sent")
for f, what in (("decoded.codes", "  the same, decoded as it arrives (curl --compressed)"), ("plain.codes", "  the same without gzip (the whole JSON)")):
    t = statistics.median(float(c[1]) for c in codes(f))
    print(f"{what:<52}{t * 1000:>9.1f} ms{'':>9}   median of 60, {statistics.median(int(c[2]) for c in codes(f)) / 2**20:.2f} MB received")
repeat = [t for i in (1, 2, 3) for t in [t for _, path, _, t in logged(f"serve-reads-{i}.log") if path == "/api/v1/status"][1:]]
print(f"{'  its own time for that GET (the server log), median':<52}{statistics.median(repeat):>9.2f} ms")
etag = statistics.median(float(x) for x in open("etag.runs").read().split())
print(f"{'  the same GET with its ETag (304), median of 60':<52}{etag * 1000:>9.2f} ms")
print(f"{'wrk -c16 10 s, /api/v1/diff': <52}{rps:>9.0f} req/s, p50 {wrk_ms(50):.2f} ms, p99 {wrk_ms(99):.2f} ms; "
      f"non-2xx {non2xx.group(1) if non2xx else 0}{'; socket errors ' + errors.group(1) if errors else ''}")
pages = json.load(open("pages.json"))
t = pages["times"]
print(f"{'status in pages of 100: the first (reads the matrix)':<52}{t[0] * 1000:>9.1f} ms")
print(f"{'  each page after it, median (a slice of it)':<52}{statistics.median(t[1:] or t) * 1000:>9.2f} ms; "
      f"{pages['pages']} pages, {sum(t):.2f} s in all; the pages put together "
      f"{'equal' if pages['same'] else 'DIFFER FROM'} the whole answer ({pages['units']} units)")
print(f"server start to verified and ready (best of 3): {ready:.1f} s; 5xx in the read servers' logs: {lines('reads-5xx.txt')}")
peak = max(write_hwm, read_hwm) // 1024
print(f"peak server memory while serving (VmHWM, reset once ready): writes {write_hwm // 1024} MB, reads {read_hwm // 1024} MB "
      f"(goal < 400 MB): {'met' if peak < 400 else 'MISSED'}")
verified = lambda f: (re.findall(r"verified (\d+) new commit", open(f).read()) or ["?"])[0]
starts = [(int(kb), verified(f"serve-reads-{i + 1}.log")) for i, kb in enumerate(open("start.runs").read().split())]
print("peak memory up to the end of start-up verification: " + ", ".join(
    [f"writes {write_start_hwm // 1024} MB"] + [f"reads #{i + 1} {kb // 1024} MB ({n} new commits verified)" for i, (kb, n) in enumerate(starts)]))
PY
