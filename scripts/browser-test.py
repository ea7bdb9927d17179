#!/usr/bin/env python3
"""The web UI end to end in a real browser: headless Chromium driven by Selenium through
chromium-driver (Debian), against `luoshi serve` on the sample ledger, on loopback.

    scripts/browser-test.py LUOSHI_BINARY [ARTEFACTS_DIR]

Between the browser and the server runs a small proxy that records every request the page sends
(so the test can show that no key material is among them) and, when told, tampers with what the
server prepares for signing (so the test can show the page refuses to sign it). The flow:

  1. sign-in with a key file, sign-out, sign-in with a passphrase-protected key (a wrong
     passphrase first);
  2. a progress report with an evidence file, through the two-phase write, signed in the page;
     the report is then in the matrix;
  3. a tampering server: a coherent commit for a different change, and one on another parent;
     the page signs neither and says why;
  4. every commit the browser made passes stock `git verify-commit`, and `luoshi verify` is clean;
  5. a supervisor opens a finding from a flag, the unit rectifies it with an evidence file, the
     supervisor closes it; an auditor writes a checkpoint (commit and tag signed in the page) and a
     supervisor witnesses it (a tag on its tag); the unit declares an exemption in the plan editor
     and the supervisor approves it and holds the unit accountable for the finding; the admin
     registers a unit and its office, changes the policy, and revokes the office's key after the
     office has signed in with it and adopted the directive from its parent's plan;
  6. screenshots of every page in both languages at 1366x768 and 390x844, kept in ARTEFACTS_DIR
     (default .build/browser-artefacts); at both sizes no page is wider than the window.

Exits 0 when every check holds; prints each failure and exits 1 otherwise.
"""
import base64, hashlib, http.client, http.server, json, os, pathlib, re, shutil, socket, subprocess
import sys, tempfile, threading, time, urllib.parse, zlib

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    sys.exit("browser-test: selenium is missing (pip install selenium; apt-get install chromium chromium-driver)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
LUOSHI = os.path.realpath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(__doc__)
ARTEFACTS = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / ".build" / "browser-artefacts")
ACTOR, UNIT, DIRECTIVE, CLAUSE = "hedong.office", "cn/hedong", "JF-2019-01", "1"
PASSPHRASE = "hedong 密语 2019"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the recording, tampering proxy

class Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, upstream):
        super().__init__(("127.0.0.1", port), ProxyHandler)
        self.upstream, self.requests, self.tamper, self.lock = upstream, [], None, threading.Lock()
        self.before_signatures = None   # run once before the next signatures reach the server


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.requests.append({"method": self.command, "path": self.path,
                                         "headers": str(self.headers), "body": body})
        if self.path.endswith("/signatures") and self.server.before_signatures:
            run, self.server.before_signatures = self.server.before_signatures, None
            run()
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive", "accept-encoding")}
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        if self.server.tamper and self.command == "POST" and self.path == "/api/v1/events" and response.status == 200:
            payload = json.dumps(self.server.tamper(json.loads(payload))).encode()
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = relay


def git_id(kind, data):
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


def tamper_record(answer):
    """A coherent commit for a different change: the report's status becomes "blocked", and the
    blob, the trees up to the root and the commit's tree line are all computed again, so only a
    check of what the record says can catch it."""
    obj = answer["commits"][0]
    change = obj["changes"][0]
    record = json.loads(base64.b64decode(change["content"]))
    record["reports"][-1]["status"] = "blocked"
    content = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    blob = git_id("blob", content)
    trees = {t["id"]: base64.b64decode(t["object"]) for t in obj["trees"]}
    buffer = base64.b64decode(obj["buffer"]).decode()
    root = re.search(r"^tree ([0-9a-f]{40})$", buffer, re.M).group(1)
    names = change["path"].split("/")

    def rewrite(tree_id, depth):
        data, out, at, new_child = trees[tree_id], b"", 0, None
        while at < len(data):
            space, nul = data.index(b" ", at), data.index(b"\0", data.index(b" ", at))
            mode, name, oid = data[at:space], data[space + 1:nul].decode(), data[nul + 1:nul + 21].hex()
            if name == names[depth]:
                oid = blob if depth == len(names) - 1 else rewrite(oid, depth + 1)
            out += mode + b" " + name.encode() + b"\0" + bytes.fromhex(oid)
            at = nul + 21
        new_id = git_id("tree", out)
        trees[new_id] = out
        return new_id

    new_root = rewrite(root, 0)
    buffer = buffer.replace(f"tree {root}\n", f"tree {new_root}\n", 1)
    change.update(blob=blob, content=base64.b64encode(content).decode())
    obj["buffer"] = base64.b64encode(buffer.encode()).decode()
    obj["trees"] = [{"id": k, "object": base64.b64encode(v).decode()} for k, v in trees.items()]
    return answer


def tamper_parent(answer):
    """A commit on another parent than the head the page showed."""
    obj = answer["commits"][0]
    buffer = base64.b64decode(obj["buffer"]).decode()
    buffer = re.sub(r"^parent [0-9a-f]{40}$", "parent " + "ab" * 20, buffer, count=1, flags=re.M)
    obj["buffer"] = base64.b64encode(buffer.encode()).decode()
    return answer


# ---- the browser

def browser(width, height):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


def wait(driver, condition, seconds=60):
    # The page swaps its body when it moves on, so an element found a moment ago may be gone.
    return WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException]).until(condition)


def outcome(driver, form_selector):
    """The form's outcome once the page says it is done or refused: (kind, text)."""
    def settled(d):
        nodes = d.find_elements(By.CSS_SELECTOR, f"{form_selector} .outcome.done, {form_selector} .outcome.error")
        return nodes[0] if nodes else None
    node = wait(driver, settled)
    return ("done" if "done" in node.get_attribute("class") else "error"), node.text


def sign_in(driver, base, key, passphrase="", next_path="/", as_actor=ACTOR):
    driver.get(f"{base}/sign-in?next={urllib.parse.quote(next_path)}")
    form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-luoshi=sign-in]:not([hidden])"))
    form.find_element(By.NAME, "actor").clear()
    form.find_element(By.NAME, "actor").send_keys(as_actor)
    form.find_element(By.NAME, "key").send_keys(str(key))
    if passphrase:
        form.find_element(By.NAME, "passphrase").send_keys(passphrase)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def follow(driver, url):
    """Follows a link to `url` as a reader would, in the page (which keeps the key it holds)."""
    old = driver.find_element(By.TAG_NAME, "body")
    driver.execute_script("const a = document.createElement('a'); a.href = arguments[0]; document.body.appendChild(a); a.click();", url)
    WebDriverWait(driver, 60).until(staleness_of(old))


def actor(driver):
    return driver.execute_script("return document.body.dataset.actor || null")


def signed_in(driver):
    try:
        wait(driver, lambda d: actor(d) == ACTOR, 60)
        return True
    except TimeoutException:
        return False


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="luoshi-browser-"))
    server = proxy = driver = None
    try:
        ledger, keys = work / "ledger", work / "ledger.keys"
        subprocess.run(["bash", str(ROOT / "scripts" / "load-sample.sh"), str(ROOT / "ledger" / "events.jsonl"), str(ledger), LUOSHI],
                       check=True, stdout=subprocess.DEVNULL)
        key = keys / ACTOR
        locked = work / f"{ACTOR}.locked"
        shutil.copy(key, locked)
        os.chmod(locked, 0o600)
        subprocess.run(["ssh-keygen", "-q", "-p", "-N", PASSPHRASE, "-f", str(locked)], check=True, stdout=subprocess.DEVNULL)
        check("BEGIN OPENSSH PRIVATE KEY" in locked.read_text() and "aes256-ctr" in
              base64.b64decode("".join(locked.read_text().splitlines()[1:-1])).decode("latin-1"),
              "the passphrase-protected key is aes256-ctr with bcrypt, as ssh-keygen makes it")
        head_before = subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip()

        port, proxy_port = free_port(), free_port()
        log = open(work / "serve.log", "w")
        server = subprocess.Popen([LUOSHI, "serve", "--ledger", str(ledger), "--listen", f"127.0.0.1:{port}"], stdout=log, stderr=log)
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.05)
        proxy = Proxy(proxy_port, port)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{proxy_port}"
        driver = browser(1366, 768)

        # 1. Sign in with the key file; out; in with the passphrase-protected one.
        driver.get(base + "/")
        check("sign-in" in driver.find_element(By.TAG_NAME, "main").get_attribute("innerHTML"),
              "without a session the home page offers the sign-in form")
        sign_in(driver, base, key)
        check(signed_in(driver), "signed in with an unencrypted key file: the bar names the actor")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        check(True, "signed out")
        sign_in(driver, base, locked, passphrase="not the passphrase")
        kind, said = outcome(driver, "form[data-luoshi=sign-in]")
        check(kind == "error" and "口令" in said, f"a wrong passphrase is refused in the page's language ({said})")
        report_path = f"/report?directive={DIRECTIVE}&unit={urllib.parse.quote(UNIT, safe='')}"
        sign_in(driver, base, locked, passphrase=PASSPHRASE, next_path=report_path)
        check(signed_in(driver), "signed in with a passphrase-protected key (bcrypt, aes256-ctr opened in the page)")

        # 2. A report with an evidence file, signed in the page; then in the matrix.
        evidence = work / "发文登记簿-2019.csv"
        evidence.write_bytes("月份,发文数\n1,12\n2,9\n".encode("utf-8"))
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-luoshi=event]:not([hidden])"))
        check(form.find_element(By.CSS_SELECTOR, "[data-luoshi-key=held]").is_displayed(),
              "the report form knows the key is open in the page (it was not asked again)")
        Select(form.find_element(By.NAME, "clause")).select_by_value(CLAUSE)
        Select(form.find_element(By.NAME, "status")).select_by_value("done")
        form.find_element(By.CSS_SELECTOR, f"[data-clause='{CLAUSE}'] input[data-metric]").send_keys("34")
        Select(form.find_element(By.NAME, "evidenceKind")).select_by_value("data")
        form.find_element(By.NAME, "evidence").send_keys(str(evidence))
        form.find_element(By.NAME, "note").send_keys("全年发文比2018年减少34%。")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-luoshi=event]")
        check(kind == "done", f"the report was checked, signed in the page and landed ({said})")
        head = subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip()
        record = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/progress.json"]))
        last = record["reports"][-1]
        check(last["status"] == "done" and last["values"] == {"documents_cut_pct": 34} and last["actor"] == ACTOR
              and last["evidence"] == [{"kind": "data", "title": evidence.name, "sha256": hashlib.sha256(evidence.read_bytes()).hexdigest()}],
              "the landed report says what was entered, the evidence by the SHA-256 the page computed")
        digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
        stored = ledger / "luoshi" / "evidence" / digest[:2] / digest[2:]
        check(stored.is_file() and stored.read_bytes() == evidence.read_bytes(),
              "the page sent the evidence file to the server's evidence store, under its SHA-256")
        driver.find_element(By.CSS_SELECTOR, "form[data-luoshi=event] .outcome a").click()
        wait(driver, lambda d: "/matrix" in d.current_url)
        cells = driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody tr")
        row = next((r for r in cells if UNIT in r.text), None)
        check(row is not None and ("完成" in row.text or "done" in row.text), "the report shows in the matrix")
        check(actor(driver) == ACTOR, "the session holds across pages")

        # 2b. main moves between prepare and signature (another office reports meanwhile): 409, and
        # the page checks the fresh commit against the new head and signs that.
        def another_report():
            subprocess.run([LUOSHI, "report", "--ledger", str(ledger), "--unit", "cn/shannan", "--directive", DIRECTIVE, "--clause", CLAUSE,
                            "--status", "in-progress", "--note", "同时报送。", "--key", str(keys / "shannan.office")],
                           check=True, stdout=subprocess.DEVNULL)
        proxy.before_signatures = another_report
        follow(driver, base + report_path)
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-luoshi=event]:not([hidden])"))
        Select(form.find_element(By.NAME, "status")).select_by_value("done")
        form.find_element(By.NAME, "note").send_keys("台账更新后重新核对。")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-luoshi=event]")
        moved = subprocess.check_output(["git", "--git-dir", str(ledger), "log", "--format=%H %P", "-2", "main"], text=True).split()
        check(kind == "done" and len(moved) == 4 and moved[1] == moved[2] and moved[2] != head,
              f"main moved before the signature landed (409): the page signed the fresh commit on the new head ({said})")
        head = moved[0]

        # 2c. Reports from a spreadsheet saved as Chinese Excel saves it (GB18030): a sheet with a bad row
        # shows the row's problems and offers nothing to sign; a good one signs one commit a row.
        bad_sheet, good_sheet = work / "bad.csv", work / "good.csv"
        header = "单位,文件,条款,状态,指标值,说明\r\n"
        bad_sheet.write_bytes((header + f"{UNIT},{DIRECTIVE},1,done,documents_cut_pct=35,好\r\n{UNIT},{DIRECTIVE},2,finished,,坏\r\n"
                                        f"{UNIT},{DIRECTIVE},99,done,,无此条款\r\n").encode("gb18030"))
        good_sheet.write_bytes((header + f"{UNIT},{DIRECTIVE},2,in-progress,meetings_cut_pct=18,会议压减18%\r\n"
                                         f"{UNIT},{DIRECTIVE},3,done,document_pages=8,篇幅控制在8页\r\n").encode("gb18030"))
        follow(driver, base + "/report/sheet")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-luoshi=sheet]:not([hidden])"))
        form.find_element(By.NAME, "sheet").send_keys(str(bad_sheet))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "table.sheet tr[data-row='4']"))
        bad_status = driver.find_element(By.CSS_SELECTOR, "table.sheet tr[data-row='3']").text
        bad_clause = driver.find_element(By.CSS_SELECTOR, "table.sheet tr[data-row='4']").text
        check("status" in bad_status and "finished" in bad_status and "clause" in bad_clause and '"99"' in bad_clause
              and "problem" not in driver.find_element(By.CSS_SELECTOR, "table.sheet tr[data-row='2']").get_attribute("class")
              and not driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-sheet]").is_displayed(),
              f"a sheet with bad rows names each problem by row and column (the clause checked against the ledger) and offers nothing to sign ({bad_status!r}; {bad_clause!r})")
        before_sheet = subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip()
        form.find_element(By.NAME, "sheet").send_keys(str(good_sheet))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        sign_all = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-sheet]:not([hidden])"))
        sign_all.click()
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.sheet tr.landed")) == 2)
        sheet_commits = subprocess.check_output(["git", "--git-dir", str(ledger), "rev-list", f"{before_sheet}..main"], text=True).split()
        record = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/progress.json"]))
        check(len(sheet_commits) == 2 and record["reports"][-1]["note"] == "篇幅控制在8页" and record["reports"][-2]["values"] == {"meetings_cut_pct": 18},
              "a GB18030 sheet of two reports became two commits, signed in the page, the Chinese text as written")
        head = sheet_commits[0]

        # 3. A tampering server gets no signature.
        for name, tamper, phrase in (("a coherent commit for a different change", tamper_record, "record"),
                                     ("a commit on another parent", tamper_parent, "parent")):
            proxy.tamper = tamper
            seen = len(proxy.requests)
            follow(driver, base + report_path)
            form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-luoshi=event]:not([hidden])"))
            Select(form.find_element(By.NAME, "status")).select_by_value("in-progress")
            form.find_element(By.NAME, "note").send_keys("不应落账的报告。")
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            kind, said = outcome(driver, "form[data-luoshi=event]")
            sent = [r for r in proxy.requests[seen:] if r["path"].endswith("/signatures")]
            check(kind == "error" and not sent, f"{name}: not signed, nothing sent to sign ({said})")
            proxy.tamper = None
        check(subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip() == head,
              "main did not move on the tampered writes")

        # 3b. Edit the plan: lower clause 1's target from 30% to 20%; the live preview reads it as
        # weakened and names the flag it raises, before anything is signed; then sign it.
        plan_path = f"/plan?directive={DIRECTIVE}&unit={urllib.parse.quote(UNIT, safe='')}"
        follow(driver, base + plan_path)
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=edit-plan]:not([hidden])"))
        section = form.find_element(By.CSS_SELECTOR, f"section[data-clause-id='{CLAUSE}']")
        check(section.get_attribute("data-reading") in (None, "faithful"), "before the edit, clause 1 is read as the plan stands")
        value = section.find_element(By.NAME, "value-0")
        value.clear()
        value.send_keys("20")
        text = section.find_element(By.NAME, "text")
        text.clear()
        text.send_keys("发给基层的文件数量必须比2018年减少20%以上。")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"section[data-clause-id='{CLAUSE}']").get_attribute("data-reading") == "weakened")
        reading = driver.find_element(By.CSS_SELECTOR, f"section[data-clause-id='{CLAUSE}'] [data-preview-for]").text
        flags_shown = driver.find_element(By.CSS_SELECTOR, "[data-preview-flags]").text
        check("弱化" in reading or "weakened" in reading, f"the live preview reads the lowered target as weakened ({reading!r})")
        check("targets[0].value" in reading and "30 → 20" in reading, "the preview names the change and its values")
        check(flags_shown != "" and ("变通" in flags_shown or "adapted" in flags_shown), f"the preview names the flag the edit raises ({flags_shown!r})")
        check(subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip() == head,
              "the preview wrote nothing to main")
        # A looser change asks for its reason: the field is required, and the page itself refuses to
        # sign without one even when the browser's own check is bypassed.
        reason_box = driver.find_element(By.CSS_SELECTOR, f"section[data-clause-id='{CLAUSE}'] [name=reason]")
        check(reason_box.get_attribute("required") is not None, "the lowered target makes the clause's reason required")
        driver.execute_script("arguments[0].noValidate = true", form)   # the browser's own check bypassed
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=edit-plan]")
        check(kind == "error" and CLAUSE in said and subprocess.check_output(["git", "--git-dir", str(ledger), "rev-parse", "main"], text=True).strip() == head,
              f"without a reason the page signs nothing ({said})")
        why = "本省2018年已压减28%，基数已低，按20%执行。"
        driver.find_element(By.CSS_SELECTOR, f"section[data-clause-id='{CLAUSE}'] [name=reason]").send_keys(why)
        driver.execute_script("for (const o of document.querySelectorAll('form[data-action=edit-plan] .outcome')) o.remove()")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=edit-plan]")
        plan = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/plan.json"]))
        lowered = next(c for c in plan["clauses"] if c["id"] == CLAUSE)
        check(kind == "done" and lowered["targets"][0]["value"] == 20 and lowered.get("reason") == why and plan["formatVersion"] == 3,
              f"the edited plan, with the reason for the looser target, was signed in the page and landed as a plan of format version 3 ({said})")
        diff = json.loads(subprocess.check_output([LUOSHI, "diff", "--ledger", str(ledger), "--directive", DIRECTIVE, "--unit", UNIT, "--format", "json"]))
        check(next(c for c in diff["clauses"] if c["id"] == CLAUSE)["class"] == "weakened", "luoshi diff reads the landed plan as the preview did")

        # 3c. A supervisor opens a finding from a flag (the form prefilled from it); the unit rectifies
        # (with the CLI); the supervisor closes it as verified. An auditor writes a checkpoint: its
        # commit and its tag are both signed in the page.
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "central.inspector", next_path="/flags?unit=cn/hedong", as_actor="central.inspector")
        wait(driver, lambda d: actor(d) == "central.inspector")
        link = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "a[href^='/findings/new'][href*='unit=cn/hedong']"))
        link.click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=open-finding]:not([hidden])"))
        finding_id = form.find_element(By.NAME, "finding.id").get_attribute("value")
        prefilled = form.find_element(By.NAME, "finding.text").get_attribute("value")
        check(finding_id.startswith("F-") and prefilled != "", f"the finding form is prefilled from the flag ({finding_id}: {prefilled[:40]}…)")
        Select(form.find_element(By.NAME, "finding.severity")).select_by_value("major")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=open-finding]")
        finding = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:findings/{finding_id}.json"]))
        check(kind == "done" and finding["state"] == "open" and finding["unit"] == UNIT and finding["steps"][0]["actor"] == "central.inspector",
              f"a supervisor opened the finding from the flag, signed in the page ({said})")
        # The unit's office answers the finding in the page, with an evidence file.
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, key, next_path="/findings")
        wait(driver, lambda d: actor(d) == ACTOR)
        card = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"section[data-finding='{finding_id}']"))
        card.find_element(By.CSS_SELECTOR, "a[href^='/findings/rectify']").click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=rectify]:not([hidden])"))
        form.find_element(By.NAME, "text").send_keys("已整改：合并会议，压减发文。")
        Select(form.find_element(By.NAME, "evidenceKind")).select_by_value("outcome")
        form.find_element(By.NAME, "evidence").send_keys(str(evidence))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=rectify]")
        finding = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:findings/{finding_id}.json"]))
        check(kind == "done" and finding["state"] == "rectified" and finding["steps"][-1]["evidence"][0]["sha256"] == hashlib.sha256(evidence.read_bytes()).hexdigest(),
              f"the unit's office reported the rectification with an evidence file, signed in the page ({said})")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "central.inspector", next_path="/findings", as_actor="central.inspector")
        wait(driver, lambda d: actor(d) == "central.inspector")
        card = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"section[data-finding='{finding_id}']"))
        card.find_element(By.CSS_SELECTOR, "a[href^='/findings/close']").click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=close-finding]:not([hidden])"))
        Select(form.find_element(By.NAME, "verdict")).select_by_value("verified")
        form.find_element(By.NAME, "note").send_keys("现场核查属实，予以销号。")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=close-finding]")
        finding = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:findings/{finding_id}.json"]))
        check(kind == "done" and finding["state"] == "closed" and [st["kind"] for st in finding["steps"]] == ["open", "rectify", "close"],
              f"the supervisor closed the rectified finding as verified ({said})")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "auditor", next_path="/checkpoints/new", as_actor="auditor")
        wait(driver, lambda d: actor(d) == "auditor")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=checkpoint]:not([hidden])"))
        shown_head = form.get_attribute("data-head")
        form.find_element(By.NAME, "note").send_keys("浏览器中签署的检查点")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=checkpoint]")
        tags = subprocess.check_output(["git", "--git-dir", str(ledger), "tag", "--list", "checkpoints/*", "--points-at", "main"], text=True).split()
        check(kind == "done" and len(tags) == 1, f"an auditor wrote a checkpoint, its commit and its tag signed in the page ({said}; {tags})")
        if tags:
            signers_file = work / "allowed_signers"
            with open(signers_file, "w") as f:
                for pub in keys.glob("*.pub"):
                    f.write(f"{pub.stem} namespaces=\"git\" {' '.join(pub.read_text().split()[:2])}\n")
            verified = subprocess.run(["git", "--git-dir", str(ledger), "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers_file}",
                                       "verify-tag", tags[0]], capture_output=True, text=True)
            record = subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:checkpoints/{tags[0].split('/', 1)[1]}.json"], text=True)
            check(verified.returncode == 0 and json.loads(record)["head"] == shown_head,
                  f"stock git verify-tag accepts the checkpoint tag, and it attests the head the page showed ({verified.stderr.strip()[:80]})")

        # A supervisor witnesses the new checkpoint: a tag on its tag, signed in the page.
        if tags:
            checkpoint_id = tags[0].split("/", 1)[1]
            driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
            wait(driver, lambda d: actor(d) is None)
            sign_in(driver, base, keys / "central.inspector", next_path="/history", as_actor="central.inspector")
            wait(driver, lambda d: actor(d) == "central.inspector")
            row = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"tr[data-checkpoint='{checkpoint_id}']"))
            row.find_element(By.CSS_SELECTOR, "a[href^='/checkpoints/witness']").click()
            form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=witness]:not([hidden])"))
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            kind, said = outcome(driver, "form[data-action=witness]")
            ref = f"refs/tags/witnesses/{checkpoint_id}/central.inspector"
            made_tag = subprocess.run(["git", "--git-dir", str(ledger), "rev-parse", "--verify", "-q", ref], capture_output=True, text=True)
            verified = subprocess.run(["git", "--git-dir", str(ledger), "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers_file}",
                                       "verify-tag", ref], capture_output=True, text=True)
            check(kind == "done" and made_tag.returncode == 0 and verified.returncode == 0,
                  f"a supervisor witnessed the checkpoint; stock git verify-tag accepts the witness tag ({said})")

        # 3d. The unit's office declares an exemption in the plan editor (a clause dropped, with its
        # reason); a supervisor approves it from the unit's page, where the evidence file of the
        # report opens from the store, and holds someone accountable for the finding it closed.
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, key, next_path=plan_path)
        wait(driver, lambda d: actor(d) == ACTOR)
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=edit-plan]:not([hidden])"))
        dropped = form.find_elements(By.CSS_SELECTOR, "section[data-clause-json][data-basis-id]")[-1]
        dropped_id = dropped.get_attribute("data-basis-id")
        dropped.find_element(By.NAME, "drop").click()
        reason = "本省已于2018年撤并相关机构，此条不适用。"
        dropped.find_element(By.NAME, "exemption").send_keys(reason)
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"section[data-basis-id='{dropped_id}'][data-clause-json]").get_attribute("data-reading") == "omitted")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=edit-plan]")
        plan = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/plan.json"]))
        check(kind == "done" and {"clause": dropped_id, "reason": reason} in plan.get("exemptions", []) and all(c["id"] != dropped_id for c in plan["clauses"]),
              f"the office dropped clause {dropped_id} with its reason: an exemption declared, signed in the page ({said})")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "central.inspector", next_path=f"/directives/{DIRECTIVE}/units/{UNIT}", as_actor="central.inspector")
        wait(driver, lambda d: actor(d) == "central.inspector")
        opened = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"a[data-sha256='{digest}']"))
        check(opened.get_attribute("href").endswith(f"/api/v1/evidence/{digest}"), "the unit's page links the report's evidence file in the store")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "a[href^='/exemptions/approve']")).click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=approve-exemption]:not([hidden])"))
        check(reason in driver.find_element(By.TAG_NAME, "main").text, "the approval form shows the reason the unit declared")
        form.find_element(By.NAME, "note").send_keys("经核实，同意豁免。")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=approve-exemption]")
        plan = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/plan.json"]))
        approval = next((e.get("approval") for e in plan.get("exemptions", []) if e["clause"] == dropped_id), None) or {}
        check(kind == "done" and approval.get("by") == "central.inspector" and approval.get("note") == "经核实，同意豁免。",
              f"the supervisor approved the exemption, signed in the page ({said})")
        follow(driver, base + "/findings")
        card = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"section[data-finding='{finding_id}']"))
        card.find_element(By.CSS_SELECTOR, "a[href^='/findings/hold']").click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=hold-accountable]:not([hidden])"))
        form.find_element(By.NAME, "decision").send_keys("约谈提醒")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=hold-accountable]")
        finding = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:findings/{finding_id}.json"]))
        last_step = finding["steps"][-1]
        check(kind == "done" and last_step["kind"] == "hold-accountable" and last_step["decision"] == "约谈提醒" and last_step["target"] == UNIT,
              f"the supervisor held {UNIT} accountable for the finding, signed in the page ({said})")

        # 3e. The admin registers a unit and its office (with a key made by ssh-keygen); the new office
        # signs in and adopts the directive from its parent's plan; the admin changes the policy and
        # revokes the office's key.
        newkey = work / "xinqu.office"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "xinqu.office", "-f", str(newkey)], check=True)
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "admin", next_path=f"/admin/unit?parent={UNIT}", as_actor="admin")
        wait(driver, lambda d: actor(d) == "admin")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=register-unit]:not([hidden])"))
        form.find_element(By.NAME, "unit.id").send_keys("xinqu")
        form.find_element(By.NAME, "unit.name").send_keys("新区 Xinqu")
        form.find_element(By.NAME, "unit.level").send_keys("city")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=register-unit]")
        unit_record = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:units/{UNIT}/xinqu/unit.json"]))
        check(kind == "done" and unit_record["name"] == "新区 Xinqu" and unit_record["level"] == "city", f"the admin registered a unit in the page ({said})")
        follow(driver, base + "/admin/actor")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=register-actor]:not([hidden])"))
        form.find_element(By.NAME, "actorRecord.id").send_keys("xinqu.office")
        form.find_element(By.NAME, "actorRecord.name").send_keys("新区办公室 Xinqu Office")
        form.find_element(By.NAME, "actorRecord.unit").send_keys(f"{UNIT}/xinqu")
        form.find_element(By.CSS_SELECTOR, "input[name='actorRecord.roles'][value=implementer]").click()
        public_key = pathlib.Path(f"{newkey}.pub").read_text().strip()
        form.find_element(By.NAME, "actorRecord.keys").send_keys(public_key)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=register-actor]")
        actor_record = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", "main:actors/xinqu.office.json"]))
        check(kind == "done" and actor_record["roles"] == ["implementer"] and actor_record["unit"] == f"{UNIT}/xinqu" and len(actor_record["keys"]) == 1,
              f"the admin registered the unit's office with its public key, in the page ({said})")
        follow(driver, base + "/admin/policy")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=set-policy]:not([hidden])"))
        limit = form.find_element(By.NAME, "policy.maxReportsPerMonth")
        limit.clear()
        limit.send_keys("10")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=set-policy]")
        info = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", "main:ledger.json"]))
        check(kind == "done" and info["policy"]["maxReportsPerMonth"] == 10 and info["policy"]["staleDays"] == 90,
              f"the admin changed one threshold of the policy, the others as they were ({said})")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, newkey, next_path=f"/directives/{DIRECTIVE}/matrix?unit={UNIT}/xinqu", as_actor="xinqu.office")
        wait(driver, lambda d: actor(d) == "xinqu.office")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"tr[data-unit='{UNIT}/xinqu'] a.adopt")).click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=adopt]:not([hidden])"))
        first_basis = form.find_element(By.CSS_SELECTOR, "input[name=from]:checked").get_attribute("value")
        check(first_basis == UNIT, f"the adopt form offers the parent's plan first ({first_basis})")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=adopt]")
        adopted = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", f"main:directives/{DIRECTIVE}/plans/{UNIT}/xinqu/plan.json"]))
        check(kind == "done" and adopted["basis"]["unit"] == UNIT and adopted["basis"]["kind"] == "plan",
              f"the new office adopted the directive from its parent's plan, signed in the page with its new key ({said})")
        driver.find_element(By.CSS_SELECTOR, "[data-luoshi=sign-out]").click()
        wait(driver, lambda d: actor(d) is None)
        sign_in(driver, base, keys / "admin", next_path="/admin", as_actor="admin")
        wait(driver, lambda d: actor(d) == "admin")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "tr[data-actor='xinqu.office'] a[href^='/admin/revoke']")).click()
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "form[data-action=revoke-key]:not([hidden])"))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        kind, said = outcome(driver, "form[data-action=revoke-key]")
        actor_record = json.loads(subprocess.check_output(["git", "--git-dir", str(ledger), "show", "main:actors/xinqu.office.json"]))
        check(kind == "done" and actor_record["keys"] == [] and [r["by"] for r in actor_record.get("revokedKeys", [])] == ["admin"],
              f"the admin revoked the office's key in the page; what it signed before stays good ({said})")

        # 4. Stock git accepts every commit the browser made; verify is clean.
        signers = work / "allowed_signers"
        with open(signers, "w") as f:
            for pub in list(keys.glob("*.pub")) + [pathlib.Path(f"{newkey}.pub")]:
                f.write(f"{pub.stem} namespaces=\"git\" {' '.join(pub.read_text().split()[:2])}\n")
        made = subprocess.check_output(["git", "--git-dir", str(ledger), "rev-list", f"{head_before}..main"], text=True).split()
        ok = all(subprocess.run(["git", "--git-dir", str(ledger), "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}",
                                 "verify-commit", c], capture_output=True).returncode == 0 for c in made)
        check(len(made) == 18 and ok, f"stock git verify-commit accepts the {len(made)} new commits (seventeen made in the browser)")
        verify = subprocess.run([LUOSHI, "verify", "--ledger", str(ledger)], capture_output=True, text=True)
        check(verify.returncode == 0, "luoshi verify is clean after the browser's writes")

        # 5. No key material in any request the page sent.
        secret_lines = [l for l in key.read_text().splitlines() + locked.read_text().splitlines() if l and "-----" not in l]
        raw = base64.b64decode("".join(key.read_text().splitlines()[1:-1]))
        seed_hex = raw[-100:].hex()  # the private section's tail holds the key pair
        leaked = []
        for r in proxy.requests:
            blob = (r["path"] + r["headers"]).encode() + r["body"]
            text = blob.decode("utf-8", "replace")
            if any(l in text for l in secret_lines) or "PRIVATE KEY" in text or PASSPHRASE in text or "not the passphrase" in text \
                    or seed_hex[:64] in text or raw[-100:-60] in blob:
                leaked.append(f"{r['method']} {r['path']}")
        check(len(proxy.requests) > 20 and not leaked,
              f"none of the {len(proxy.requests)} requests the page sent carries the key file, the key or the passphrase {leaked}")

        # 6. Every page in both languages at two sizes; no page wider than its window.
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        pages = {"home": "/", "directive": f"/directives/{DIRECTIVE}", "matrix": f"/directives/{DIRECTIVE}/matrix",
                 "unit": f"/directives/{DIRECTIVE}/units/{UNIT}", "flags": "/flags", "sign-in": "/sign-in", "report": report_path,
                 "plan": f"/plan?directive={DIRECTIVE}&unit={urllib.parse.quote(UNIT, safe='')}", "findings": "/findings", "history": "/history", "burden": "/burden", "sheet": "/report/sheet",
                 "open-finding": f"/findings/new?unit={UNIT}&directive={DIRECTIVE}&clause=1&text=x", "checkpoint": "/checkpoints/new",
                 "rectify": "/findings/rectify?finding=F-2019-01", "hold": "/findings/hold?finding=F-2019-01",
                 "adopt": f"/adopt?directive={DIRECTIVE}&unit=cn/yunling/shanfeng/gaotai", "approve-exemption": f"/exemptions/approve?directive={DIRECTIVE}&unit={UNIT}&clause={dropped_id}",
                 "admin": "/admin", "register-unit": "/admin/unit?parent=cn", "register-actor": "/admin/actor", "policy": "/admin/policy",
                 "revoke-key": f"/admin/revoke?actor={ACTOR}&key={urllib.parse.quote(' '.join(pathlib.Path(str(key) + '.pub').read_text().split()[:2]))}"}
        for width, height in ((1366, 768), (390, 844)):
            driver.set_window_size(width, height)
            for language in ("zh", "en"):
                for name, path in pages.items():
                    driver.get(f"{base}{path}{'&' if '?' in path else '?'}lang={language}")
                    wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
                    inner = driver.execute_script("return window.innerWidth")
                    wide = driver.execute_script("return document.documentElement.scrollWidth")
                    check(wide <= inner + 1, f"{name} ({language}, {width}x{height}) fits its window: {wide} <= {inner}")
                    driver.save_screenshot(str(ARTEFACTS / f"{name}-{language}-{width}x{height}.png"))
        print(f"screenshots in {ARTEFACTS}")
        # Network answers (the 401 before sign-in, the 409 of step 2b) are the flow; a script error is not.
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and e.get("source") != "network"]
        check(not errors, f"the console shows no script error {errors[:3]}")
    finally:
        if driver:
            driver.quit()
        if proxy:
            proxy.shutdown()
        if server:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"browser-test: {len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("browser-test: every check holds")


if __name__ == "__main__":
    main()
