#!/usr/bin/env python3
"""The client side of scripts/bench-serve.sh: concurrent writers for `luoshi serve` (each signing with
a small in-process SSHSIG signer, byte for byte what `ssh-keygen -Y sign` prints), concurrent stock
`git push` clients for the baseline, and the generator of the writes ledger.

  serve_client.py generate UNITS PUBKEY_FILE OUT.jsonl UNITS.json
      events for `luoshi import`: units on three levels, one directive adopted by every unit, one
      implementer a<n> per unit, all holding the key in PUBKEY_FILE; UNITS.json lists [unit, actor].
  serve_client.py sign NAMESPACE KEY < MESSAGE          the SSHSIG armour of MESSAGE
  serve_client.py writes URL KEY UNITS.json CLIENTS EVENTS OUT.json
      CLIENTS threads, EVENTS report-progress events in all (event k for unit k mod units; each
      client owns the units n with n mod CLIENTS = its number, so it writes as their implementers),
      each prepare -> sign -> post, signing a conflict's fresh pending and posting again on 409.
  serve_client.py pushes URL WORK CLIENTS PUSHES UNITS.json OUT.json
      CLIENTS clones of URL (a git smart-HTTP remote) under WORK, PUSHES commits in all, each one
      commit of one small file then `git push`, `git pull --rebase` and again when it is refused.
Both write a JSON summary to OUT.json: per-operation latencies and the time spent in each step.
"""
import base64, hashlib, http.client, json, os, struct, subprocess, sys, threading, time, urllib.parse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


# --- SSHSIG (PROTOCOL.sshsig), ed25519 only ---------------------------------------------------

def _s(b: bytes) -> bytes:
    return struct.pack(">I", len(b)) + b


class Signer:
    def __init__(self, key_path: str):
        with open(key_path, "rb") as f:
            self.key = serialization.load_ssh_private_key(f.read(), password=None)
        if not isinstance(self.key, Ed25519PrivateKey):
            raise SystemExit(f"{key_path}: only ed25519 keys are supported")
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.pub_wire = _s(b"ssh-ed25519") + _s(raw)

    def armour(self, namespace: str, message: bytes) -> str:
        ns = namespace.encode()
        digest = hashlib.sha512(message).digest()
        signed = b"SSHSIG" + _s(ns) + _s(b"") + _s(b"sha512") + _s(digest)
        sig = self.key.sign(signed)
        blob = (b"SSHSIG" + struct.pack(">I", 1) + _s(self.pub_wire) + _s(ns) + _s(b"") + _s(b"sha512")
                + _s(_s(b"ssh-ed25519") + _s(sig)))
        b64 = base64.b64encode(blob).decode()
        body = "\n".join(b64[i:i + 70] for i in range(0, len(b64), 70))
        return f"-----BEGIN SSH SIGNATURE-----\n{body}\n-----END SSH SIGNATURE-----\n"


# --- the writes ledger ------------------------------------------------------------------------

def generate(units: int, pubkey_file: str, out: str, units_out: str):
    key = open(pubkey_file).read().strip()
    provinces = min(20, max(1, units // 100))
    cities = min(200, max(provinces, units // 10))
    counties = max(0, units - provinces - cities)
    P = [f"cn/p{p:02d}" for p in range(provinces)]
    C = [f"{P[c % provinces]}/c{c:03d}" for c in range(cities)]
    K = [f"{C[k % cities]}/k{k:04d}" for k in range(counties)]
    levels = [(u, "province") for u in P] + [(u, "city") for u in C] + [(u, "county") for u in K]
    at = "2020-01-01T00:00:00Z"

    def clause(i, text, metric=None, op=">=", value=None, unit="%", modality="must"):
        c = {"id": str(i), "text": text, "modality": modality, "targets": [], "evidence": "outcome", "localize": False, "deadline": "2020-12-31"}
        if metric:
            c["targets"] = [{"metric": metric, "op": op, "value": value, "unit": unit}]
        return c
    clauses = [
        clause(1, "Cut the number of documents issued to lower levels by at least 30% compared with last year.", "documents_cut_pct", ">=", 30),
        clause(2, "Keep every policy document issued at this level to at most 10 pages.", "document_pages", "<=", 10, "pages"),
        clause(3, "Cut the number of meetings convened for lower levels by at least 30%.", "meetings_cut_pct", ">=", 30),
    ]
    with open(out, "w") as f:
        w = lambda e: f.write(json.dumps(e) + "\n")
        w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": "cn", "name": "Centre", "level": "central"}})
        for u, level in levels:
            w({"action": "register-unit", "actor": "admin", "at": at, "unit": {"id": u, "name": u, "level": level}})
        w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": "issuer", "name": "Issuer", "unit": "cn", "roles": ["issuer"], "keys": [key]}})
        for n, (u, _) in enumerate(levels):
            w({"action": "register-actor", "actor": "admin", "at": at, "actorRecord": {"id": f"a{n}", "name": u, "unit": u, "roles": ["implementer"], "keys": [key]}})
        w({"action": "issue-directive", "actor": "issuer", "at": "2020-01-02T00:00:00Z", "directive": {
            "id": "D-1", "title": "Cutting formalist burdens", "issuer": "cn", "issued": "2020-01-02",
            "scope": {"units": ["cn"], "levels": ["province", "city", "county"]}, "reporting": {"every": "P1M"}, "clauses": clauses}})
        for n, (u, _) in enumerate(levels):
            w({"action": "adopt", "actor": f"a{n}", "at": "2020-02-01T00:00:00Z", "unit": u, "directive": "D-1", "from": u.rsplit("/", 1)[0]})
    json.dump([[u, f"a{n}"] for n, (u, _) in enumerate(levels)], open(units_out, "w"))
    return ["admin", "issuer"] + [f"a{n}" for n in range(len(levels))]


# --- shared -----------------------------------------------------------------------------------

def percentile(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def run_threads(clients, work):
    results = [None] * clients
    def body(i):
        try:
            results[i] = work(i)
        except BaseException as e:  # a thread's failure is reported, not swallowed
            results[i] = {"fatal": f"{type(e).__name__}: {e}"}
    threads = [threading.Thread(target=body, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - start


# --- luoshi writes ----------------------------------------------------------------------------

class Conn:
    """One keep-alive HTTP/1.1 connection, reopened when the server closes it."""
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.c = None

    def request(self, method, path, body):
        data = json.dumps(body).encode()
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.c.request(method, path, body=data, headers={"Content-Type": "application/json"})
                r = self.c.getresponse()
                raw = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.c.close(); self.c = None
                return r.status, raw
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.c.close(); self.c = None
                if attempt:
                    raise


def writes(url, key, units_file, clients, events, out):
    signer = Signer(key)
    units = json.load(open(units_file))
    mine = [[] for _ in range(clients)]
    for k in range(events):
        n = k % len(units)
        mine[n % clients].append((k, n))
    lock = threading.Lock()
    gate = threading.Barrier(clients)

    def client(i):
        conn = Conn(url)
        r = {"latency": [], "prepare": 0.0, "sign": 0.0, "landing": 0.0, "refused": 0.0, "conflicts": 0, "rounds": 0,
             "errors": [], "status": {}, "commits": []}
        gate.wait()
        for k, n in mine[i]:
            unit, actor = units[n]
            event = {"action": "report-progress", "actor": actor, "unit": unit, "directive": "D-1", "clause": "1",
                     "status": "in-progress", "values": {"documents_cut_pct": 5 + k % 40},
                     "evidence": [{"kind": "data", "title": f"Document register {k}", "sha256": hashlib.sha256(str(k).encode()).hexdigest()}],
                     "note": f"Report {k} through luoshi serve, client {i}."}
            t0 = time.perf_counter()
            status, raw = conn.request("POST", "/api/v1/events", event)
            t1 = time.perf_counter(); r["prepare"] += t1 - t0
            r["status"][str(status)] = r["status"].get(str(status), 0) + 1
            if status != 200:
                r["errors"].append(f"prepare {status}: {raw[:300].decode(errors='replace')}")
                continue
            answer = json.loads(raw)
            while True:
                t1 = time.perf_counter()
                obj = answer["commits"][0]
                armour = signer.armour("git", base64.b64decode(obj["buffer"]))
                t2 = time.perf_counter(); r["sign"] += t2 - t1
                status, raw = conn.request("POST", f"/api/v1/events/{answer['pending']}/signatures", {"signatures": [armour]})
                t3 = time.perf_counter(); r["landing" if status in (201, 202) else "refused"] += t3 - t2
                r["status"][str(status)] = r["status"].get(str(status), 0) + 1
                r["rounds"] += 1
                if status == 201:
                    r["latency"].append(t3 - t0)
                    r["commits"].extend(json.loads(raw)["commits"])
                    break
                if status in (202, 409):
                    if status == 409:
                        r["conflicts"] += 1
                    answer = json.loads(raw)
                    continue
                r["errors"].append(f"signatures {status}: {raw[:300].decode(errors='replace')}")
                break
        return r

    results, wall = run_threads(clients, client)
    summarise(results, wall, events, out, steps=("prepare", "sign", "landing", "refused"))


def summarise(results, wall, planned, out, steps):
    fatal = [r["fatal"] for r in results if "fatal" in r]
    ok = [r for r in results if "fatal" not in r]
    lat = [x for r in ok for x in r["latency"]]
    status = {}
    for r in ok:
        for s, c in r["status"].items():
            status[s] = status.get(s, 0) + c
    summary = {
        "wall": wall, "planned": planned, "landed": len(lat), "per_second": len(lat) / wall if wall else 0,
        "p50": percentile(lat, 50), "p99": percentile(lat, 99), "max": max(lat) if lat else float("nan"),
        "conflicts": sum(r["conflicts"] for r in ok), "rounds": sum(r["rounds"] for r in ok),
        "steps": {s: sum(r[s] for r in ok) for s in steps}, "status": status,
        "errors": [e for r in ok for e in r["errors"]][:20], "error_count": sum(len(r["errors"]) for r in ok),
        "fatal": fatal, "commits": [c for r in ok for c in r.get("commits", [])],
    }
    json.dump(summary, open(out, "w"))


# --- git push baseline ------------------------------------------------------------------------

def git(cwd, *args, check=True):
    p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and p.returncode:
        raise RuntimeError(f"git {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[:400]}")
    return p


def pushes(url, work, clients, total, units_file, out):
    units = json.load(open(units_file))
    dirs = [os.path.join(work, f"client{i:02d}") for i in range(clients)]
    for i, d in enumerate(dirs):   # set up one clone per client (not timed)
        git(work, "clone", "-q", "--branch", "main", url, d)
        for k, v in {"user.name": f"client {i}", "user.email": f"client{i}@bench", "gc.auto": "0", "pull.rebase": "true",
                     "core.hooksPath": "/dev/null"}.items():
            git(d, "config", k, v)
    mine = [[] for _ in range(clients)]
    for k in range(total):
        n = k % len(units)
        mine[n % clients].append((k, n))
    gate = threading.Barrier(clients)

    def client(i):
        d = dirs[i]
        r = {"latency": [], "commit": 0.0, "push": 0.0, "refused": 0.0, "rebase": 0.0, "conflicts": 0, "rounds": 0, "errors": [], "status": {}}
        gate.wait()
        for k, n in mine[i]:
            unit = units[n][0]
            path = f"directives/D-1/plans/{unit}/pushed.json"
            t0 = time.perf_counter()
            os.makedirs(os.path.join(d, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(d, path), "w") as f:
                json.dump({"unit": unit, "clause": "1", "status": "in-progress", "values": {"documents_cut_pct": 5 + k % 40},
                           "note": f"Report {k} through git push, client {i}."}, f)
            git(d, "add", path)
            git(d, "commit", "-q", "-m", f"report-progress: {unit} D-1 clause 1 ({k})")
            t1 = time.perf_counter(); r["commit"] += t1 - t0
            tries = 0
            while True:
                t1 = time.perf_counter()
                p = git(d, "push", "-q", "origin", "HEAD:main", check=False)
                t2 = time.perf_counter(); r["push" if p.returncode == 0 else "refused"] += t2 - t1
                r["rounds"] += 1
                if p.returncode == 0:
                    r["latency"].append(t2 - t0)
                    break
                refused = any(s in p.stderr for s in ("[rejected]", "fetch first", "non-fast-forward", "[remote rejected]", "failed to update ref", "cannot lock ref"))
                key = "refused" if refused else f"exit {p.returncode}"
                r["status"][key] = r["status"].get(key, 0) + 1
                if refused:
                    r["conflicts"] += 1
                else:
                    r["errors"].append(f"push {k}: {p.stderr.strip()[:300]}")
                tries += 1
                if tries > 5000:   # a starving client keeps trying: its wait is the baseline's tail latency
                    r["errors"].append(f"push {k}: gave up after {tries} tries")
                    break
                q = git(d, "pull", "-q", "--rebase", "origin", "main", check=False)
                r["rebase"] += time.perf_counter() - t2
                if q.returncode:
                    r["errors"].append(f"pull --rebase {k}: {q.stderr.strip()[:300]}")
                    git(d, "rebase", "--abort", check=False)
        return r

    results, wall = run_threads(clients, client)
    summarise(results, wall, total, out, steps=("commit", "push", "refused", "rebase"))


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "generate" and len(argv) == 6:
        for a in generate(int(argv[2]), argv[3], argv[4], argv[5]):
            print(a)
    elif cmd == "sign" and len(argv) == 4:
        sys.stdout.write(Signer(argv[3]).armour(argv[2], sys.stdin.buffer.read()))
    elif cmd == "writes" and len(argv) == 8:
        writes(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7])
    elif cmd == "pushes" and len(argv) == 8:
        pushes(argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6], argv[7])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
