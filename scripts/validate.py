#!/usr/bin/env python3
"""Validate Luoshi records, events and whole ledgers against the JSON Schemas in schemas/.

    validate.py record SCHEMA_NAME FILE...   records of one kind (ledger, actor, unit, directive,
                                             plan, progress, finding, checkpoint) or "event"
    validate.py event FILE.jsonl...          events files: one event a line; blank lines and
                                             lines starting with '#' are skipped
    validate.py ledger GIT_DIR               every record blob each commit on refs/heads/main
                                             changed, by the schema its path calls for
    validate.py pointer SCHEMA_NAME FILE     the JSON pointer of the first problem ('-' reads
                                             stdin); exit 0 and no output when the value is valid
    validate.py fixtures FILE...             for test fixtures {"schema": NAME, "value": ...}:
                                             one JSON line each, {"file", "pointer"} (null: valid)

Problems are printed one a line, `where: pointer: message`, then `N valid, M invalid`; the exit
status is 1 when anything is invalid. Pointers name the place Luoshi names: a missing or unknown
member by its own path (`/directive/title`), a repeated item by its index.

Needs Python 3.10+, jsonschema 4.18+ (with `referencing`) and rfc3339-validator (for date-time
format checking) and regex (for the Unicode property classes of patterns). No network: every $ref resolves to a file in schemas/.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError, best_match
    from referencing import Registry, Resource
except ImportError as e:  # pragma: no cover
    sys.exit(f"validate.py needs jsonschema 4.18 or later: {e}")
try:  # patterns are ECMA-262 with Unicode property classes (\p{L}), which Python's re lacks
    import regex
except ImportError:  # pragma: no cover
    sys.exit("validate.py needs the regex module (pip install regex) for the schemas' Unicode patterns")
try:  # without it jsonschema silently skips the date-time format, and 25:00 would pass
    import rfc3339_validator  # noqa: F401
except ImportError:  # pragma: no cover
    sys.exit("validate.py needs rfc3339-validator (pip install rfc3339-validator) to check timestamps")

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
BASE = "https://luoshi.example/schemas/"
RECORDS = ("ledger", "actor", "unit", "directive", "plan", "progress", "finding", "checkpoint")

# ---------------------------------------------------------------------------------------------
# The validator: draft 2020-12, format assertion on, and ECMA-262 `$`.


def _ecma_anchors(pattern: str) -> str:
    """Python's `$` also matches before a final newline; ECMA-262's (and Luoshi's) does not."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> regex.Pattern:
    return regex.compile(_ecma_anchors(pattern))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


LuoshiValidator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern})
# A $ref into another file is validated by the class registered for that file's $schema: make it ours.
jsonschema.validators.validates("draft2020-12")(LuoshiValidator)


@lru_cache(maxsize=None)
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if "openapi" in contents:  # openapi.json describes the HTTP API; it is not a JSON Schema
            continue
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def schema_names() -> list[str]:
    return sorted(str(p.relative_to(SCHEMAS).with_suffix("")) for p in SCHEMAS.rglob("*.json") if p.name != "openapi.json")


@lru_cache(maxsize=None)
def validator(name: str):
    uri = BASE + name + ".json"
    try:
        schema = registry().contents(uri)
    except Exception:
        print(f"validate.py: no schema named {name!r}; known: {', '.join(schema_names())}", file=sys.stderr)
        raise SystemExit(64)
    return LuoshiValidator(schema, registry=registry(), format_checker=FormatChecker())


def _def_validator(name: str):
    return LuoshiValidator(
        {"$ref": BASE + "defs.json#/$defs/" + name}, registry=registry(), format_checker=FormatChecker()
    )


# ---------------------------------------------------------------------------------------------
# Reading JSON as strictly as Luoshi does: duplicate keys and NaN/Infinity are errors.


class BadJSON(Exception):
    pass


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise BadJSON(f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constant(name):
    raise BadJSON(f"{name} is not JSON")


def parse_json(text: str):
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise BadJSON(f"malformed JSON (line {e.lineno}, column {e.colno}): {e.msg}") from None


# ---------------------------------------------------------------------------------------------
# Where a problem is, the way Luoshi says it.


def _escape(token) -> str:
    return "/" + str(token).replace("~", "~0").replace("/", "~1")


def _first_duplicate(items) -> int | None:
    for j in range(1, len(items)):
        for i in range(j):
            if jsonschema._utils.equal(items[i], items[j]):
                return j
    return None


def locate(error: ValidationError) -> tuple[list, str]:
    """The path Luoshi would blame for `error`, and a message for it."""
    path = list(error.absolute_path)
    v, value, inst = error.validator, error.validator_value, error.instance
    if v == "required" and isinstance(inst, dict):
        missing = next((k for k in value if k not in inst), None)
        if missing is not None:
            return path + [missing], "is required"
    if v == "dependentRequired" and isinstance(inst, dict):
        for prop, needed in value.items():
            if prop in inst:
                for k in needed:
                    if k not in inst:
                        return path + [k], f"is required when {prop!r} is given"
    if v == "additionalProperties" and value is False and isinstance(inst, dict):
        known = error.schema.get("properties", {})
        extra = sorted(k for k in inst if k not in known)
        if extra:
            return path + [extra[0]], "is not a known field"
    if v == "uniqueItems" and isinstance(inst, list):
        j = _first_duplicate(inst)
        if j is not None:
            return path + [j], f"{inst[j]!r} appears twice"
    if v == "anyOf" and all(set(s) == {"required"} for s in value):
        names = " or ".join(repr(s["required"][0]) for s in value)
        return path, f"needs {names} (or both)"
    message = error.message
    described = isinstance(error.schema, dict) and error.schema.get("description")
    if v in ("pattern", "format", "minLength", "maxLength", "not", "anyOf") and described:
        message = f"{inst!r} is not valid: {described}"
    if "propertyNames" in list(error.absolute_schema_path) and isinstance(inst, str):
        # jsonschema blames the object; Luoshi blames the member whose name is wrong.
        return path + [inst], message
    return path, message


def pointer_of(path: list) -> str:
    return "".join(_escape(t) for t in path)


def problems(name: str, value) -> list[tuple[str, str]]:
    """Every problem of `value` under schema `name`, as (pointer, message), in document order."""
    out = []
    for error in validator(name).iter_errors(value):
        leaf = best_match([error])
        if leaf.validator == "required" and isinstance(leaf.instance, dict):
            # One error per missing member, none saying which: name them all (duplicates go below).
            base = list(leaf.absolute_path)
            out.extend((base + [k], "is required") for k in leaf.validator_value if k not in leaf.instance)
        elif leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
            base, known = list(leaf.absolute_path), leaf.schema.get("properties", {})
            out.extend((base + [k], "is not a known field") for k in leaf.instance if k not in known)
        else:
            out.append(locate(leaf))
    out.sort(key=lambda pm: [str(t) for t in pm[0]])
    found, seen = [], set()
    for path, message in out:  # one line a place: a bad date breaks its pattern and its format
        pointer = pointer_of(path)
        if pointer not in seen:
            seen.add(pointer)
            found.append((pointer, message))
    return found


def first_problem(name: str, value) -> tuple[str, str] | None:
    error = best_match(validator(name).iter_errors(value))
    if error is None:
        return None
    path, message = locate(error)
    return pointer_of(path), message


# ---------------------------------------------------------------------------------------------
# Record paths in a ledger's tree (RecordPath in LedgerModel).


def _is(def_name: str, s: str) -> bool:
    return _def_validator(def_name).is_valid(s)


def record_kind(path: str) -> tuple[str, dict] | None:
    """The schema a ledger path calls for and the ids the path names, or None."""
    parts = path.split("/")

    def flat(name: str, def_name: str):
        if name.endswith(".json") and _is(def_name, name[:-5]):
            return name[:-5]
        return None

    head = parts[0]
    if head == "ledger.json" and len(parts) == 1:
        return "ledger", {}
    if head in ("actors", "findings", "checkpoints") and len(parts) == 2:
        kind, def_name = {"actors": ("actor", "actorId"), "findings": ("finding", "findingId"),
                          "checkpoints": ("checkpoint", "checkpointId")}[head]
        ident = flat(parts[1], def_name)
        return (kind, {"id": ident}) if ident is not None else None
    if head == "units" and len(parts) >= 3 and parts[-1] == "unit.json":
        unit = "/".join(parts[1:-1])
        return ("unit", {"id": unit}) if _is("unitId", unit) else None
    if head == "directives" and len(parts) == 3 and parts[2] == "directive.json":
        return ("directive", {"id": parts[1]}) if _is("directiveId", parts[1]) else None
    if head == "directives" and len(parts) >= 5 and parts[2] == "plans" and parts[-1] in ("plan.json", "progress.json"):
        unit = "/".join(parts[3:-1])
        if _is("directiveId", parts[1]) and _is("unitId", unit):
            return parts[-1][:-5], {"directive": parts[1], "unit": unit}
    return None


# ---------------------------------------------------------------------------------------------
# Commands.


class Tally:
    def __init__(self):
        self.valid = 0
        self.invalid = 0

    def report(self, where: str, found: list[tuple[str, str]]) -> None:
        if found:
            self.invalid += 1
            for pointer, message in found:
                print(f"{where}: {pointer or '(top level)'}: {message}")
        else:
            self.valid += 1

    def finish(self) -> int:
        print(f"{self.valid} valid, {self.invalid} invalid")
        return 1 if self.invalid else 0


def check_text(name: str, text: str) -> list[tuple[str, str]]:
    try:
        value = parse_json(text)
    except BadJSON as e:
        return [("", str(e))]
    return problems(name, value)


def cmd_record(args) -> int:
    validator(args.schema)
    tally = Tally()
    for file in args.files:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            tally.report(file, [("", f"cannot read: {e}")])
            continue
        tally.report(file, check_text(args.schema, text))
    return tally.finish()


def cmd_event(args) -> int:
    tally = Tally()
    for file in args.files:
        try:
            data = Path(file).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            tally.report(file, [("", f"cannot read: {e}")])
            continue
        for number, line in enumerate(data.split("\n"), start=1):
            line = line.removesuffix("\r")
            stripped = line.lstrip(" \t")
            if not stripped or stripped.startswith("#"):
                continue
            tally.report(f"{file}:{number}", check_text("event", line))
    return tally.finish()


def _git(git_dir: str, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "--git-dir", git_dir, *args], input=input, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _blobs(git_dir: str, ids: list[str]) -> dict[str, bytes]:
    if not ids:
        return {}
    out = _git(git_dir, "cat-file", "--batch", input="".join(i + "\n" for i in ids).encode())
    blobs, pos = {}, 0
    for oid in ids:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) < 3:
            raise SystemExit(f"git cat-file: {out[pos:end].decode(errors='replace')}")
        size = int(header[2])
        blobs[oid] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def cmd_ledger(args) -> int:
    git_dir = args.git_dir
    log = _git(git_dir, "log", "--reverse", "--format=%H %P", "refs/heads/main").decode().split("\n")
    commits = [line.split() for line in log if line.strip()]
    tally = Tally()
    for c in commits:
        if len(c) > 2:
            print(f"{c[0]}: (commit): a merge commit; a ledger's history is one line of commits")
    raw = _git(git_dir, "diff-tree", "--stdin", "-r", "--root", "-z",
               input="".join(c[0] + "\n" for c in commits).encode())
    changes, commit, tokens, i = [], None, raw.split(b"\0"), 0
    while i < len(tokens):
        token = tokens[i].decode("utf-8", errors="surrogateescape")
        if token.startswith(":"):
            _, mode, _, blob, status = token[1:].split(" ")
            path = tokens[i + 1].decode("utf-8", errors="surrogateescape")
            changes.append((commit, path, mode, blob, status))
            i += 2
            continue
        if token:
            commit = token
        i += 1
    wanted = sorted({blob for _, _, mode, blob, status in changes if status != "D" and mode.startswith("100")})
    blobs = _blobs(git_dir, wanted)
    seen: dict[tuple[str, str, str], list] = {}
    for commit, path, mode, blob, status in changes:
        where = f"{commit}:{path}"
        if status == "D":
            continue
        if not mode.startswith("100"):
            tally.report(where, [("", f"is not a regular file (mode {mode})")])
            continue
        kind = record_kind(path)
        if kind is None:
            tally.report(where, [("", "is not a path any Luoshi record lives at")])
            continue
        name, ids = kind
        key = (blob, path, name)
        if key not in seen:
            try:
                text = blobs[blob].decode("utf-8")
            except UnicodeDecodeError:
                seen[key] = [("", "is not UTF-8")]
            else:
                found = check_text(name, text)
                if not found:
                    value = parse_json(text)
                    for field, expected in ids.items():
                        if value.get(field) != expected:
                            found.append((_escape(field), f"is {value.get(field)!r} but the file is {path}"))
                seen[key] = found
        tally.report(where, seen[key])
    return tally.finish()


def cmd_pointer(args) -> int:
    validator(args.schema)
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    try:
        value = parse_json(text)
    except BadJSON as e:
        print(f"{args.file}: {e}", file=sys.stderr)
        return 2
    found = first_problem(args.schema, value)
    if found is None:
        return 0
    pointer, message = found
    print(pointer)
    print(f"{pointer or '(top level)'}: {message}", file=sys.stderr)
    return 1


def cmd_fixtures(args) -> int:
    for file in args.files:
        fixture = parse_json(Path(file).read_text(encoding="utf-8"))
        found = first_problem(fixture["schema"], fixture["value"])
        line = {"file": file, "pointer": found[0] if found else None, "message": found[1] if found else None}
        print(json.dumps(line, ensure_ascii=False))
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 64, as Luoshi's do
        self.print_usage(sys.stderr)
        self.exit(64, f"{self.prog}: {message}\n")


def main(argv=None) -> int:
    parser = _Parser(prog="validate.py", description=__doc__.split("\n\n")[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("record", help="validate record files against one schema")
    p.add_argument("schema", help="|".join(RECORDS + ("event",)))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=cmd_record)
    p = sub.add_parser("event", help="validate JSON Lines events files")
    p.add_argument("files", nargs="+", metavar="FILE.jsonl")
    p.set_defaults(run=cmd_event)
    p = sub.add_parser("ledger", help="validate every record of a ledger's history")
    p.add_argument("git_dir", metavar="GIT_DIR")
    p.set_defaults(run=cmd_ledger)
    p = sub.add_parser("pointer", help="print the pointer of the first problem")
    p.add_argument("schema")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(run=cmd_pointer)
    p = sub.add_parser("fixtures", help="the first problem of each test fixture, as JSON lines")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=cmd_fixtures)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
