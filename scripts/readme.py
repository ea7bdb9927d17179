#!/usr/bin/env python3
"""Runs every command block of README.md on the sample ledger, as a reader would, and checks the output.

    readme.py LUOSHI_BINARY [--update]

The sample is loaded as `make demo` loads it (scripts/load-sample.sh into demo/ledger of a fresh
folder, keys in demo/ledger.keys), and every block runs there in the README's order, with
LUOSHI_LEDGER=demo/ledger and `luoshi` on the PATH:

- a ```console block is a transcript: each `$ ` line (continued by a trailing backslash) is run with
  bash, and what it prints (standard output and error) must be the lines that follow it;
- a ```sh block is run line by line and each command must succeed, except the set-up blocks that
  build Luoshi or load the sample (their first command is `make`, `swift` or `ssh-keygen`, or they
  run `scripts/`), which `make demo` has done already.

Commit ids, checkpoint ids and timings differ from one load to the next (the keys are made afresh),
so they are compared as placeholders. With --update, the README's transcripts are rewritten with what
the commands print. Exits 1 with a diff when a block fails.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")
SETUP = re.compile(r"^(make|swift|ssh-keygen|scripts/|\.build/)")


def blocks(text):
    """(start line index, end line index, language, body lines) of each fenced block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if m:
            j = i + 1
            while j < len(lines) and lines[j] != "```":
                j += 1
            yield i, j, m.group(1), lines[i + 1:j]
            i = j
        i += 1


def commands(body):
    """The commands of a transcript, each with its expected output lines."""
    out, i = [], 0
    while i < len(body):
        if not body[i].startswith("$ "):
            i += 1
            continue
        cmd = body[i][2:]
        while cmd.endswith("\\") and i + 1 < len(body):
            i += 1
            cmd = cmd + "\n" + body[i]
        i += 1
        expected = []
        while i < len(body) and not body[i].startswith("$ "):
            expected.append(body[i])
            i += 1
        out.append((cmd, expected))
    return out


def mask(text):
    text = re.sub(r"cp-\d{8}-\d{6}(-\d+)?", "cp-<id>", text)
    text = re.sub(r"(?<![0-9a-f])[0-9a-f]{7,40}(?![0-9a-f])", "<commit>", text)
    text = re.sub(r"\d+\.\d\d s\b", "<seconds> s", text)
    return text


def run(cmd, cwd, env):
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def main():
    luoshi = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv
    work = tempfile.mkdtemp(prefix="luoshi-readme-")
    try:
        os.makedirs(os.path.join(work, "demo"))
        subprocess.run(["bash", os.path.join(ROOT, "scripts/load-sample.sh"), os.path.join(ROOT, "ledger/events.jsonl"),
                        os.path.join(work, "demo/ledger"), luoshi], check=True, stdout=subprocess.DEVNULL)
        bindir = os.path.join(work, "bin")
        os.makedirs(bindir)
        os.symlink(luoshi, os.path.join(bindir, "luoshi"))
        env = dict(os.environ, LUOSHI_LEDGER="demo/ledger", PATH=bindir + os.pathsep + os.environ["PATH"], EDITOR="false")
        env.pop("VISUAL", None)
        text = open(README, encoding="utf-8").read()
        lines = text.split("\n")
        failures, replacements, ran = [], [], 0
        for start, end, lang, body in blocks(text):
            if lang == "console":
                new_body = []
                for cmd, expected in commands(body):
                    status, output = run(cmd, work, env)
                    ran += 1
                    got = output.rstrip("\n").split("\n") if output.strip() else []
                    same = [mask(l) for l in got] == [mask(l) for l in expected]
                    # An update keeps what the README shows where only the ids differ.
                    new_body += ["$ " + cmd] + (expected if same else got)
                    if not same:
                        diff = "\n".join(difflib.unified_diff(expected, got, "README", "output", lineterm=""))
                        failures.append(f"README.md:{start + 1}: `{cmd}` exited {status}\n{diff}")
                replacements.append((start, end, new_body))
            elif lang == "sh":
                script = [l for l in body if l.strip() and not l.lstrip().startswith("#")]
                if not script or SETUP.match(script[0]):
                    continue
                joined = "\n".join(body)
                status, output = run(joined, work, env)
                ran += 1
                if status != 0:
                    failures.append(f"README.md:{start + 1}: the block exited {status}:\n{output}")
        if update:
            for start, end, new_body in reversed(replacements):
                lines[start + 1:end] = new_body
            open(README, "w", encoding="utf-8").write("\n".join(lines))
        for f in failures:
            print(f, file=sys.stderr)
        print(f"{ran} README commands run, {len(failures)} failed" + (" (README updated)" if update else ""))
        return 1 if failures and not update else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
