import Foundation
import Testing

/// What an attacker with write access to a ledger's repository can do with stock git and
/// `ssh-keygen`: write blobs and trees, write commit objects by hand (signed with any key file it
/// holds, or not at all) and move refs. Nothing here goes through luoshi, so every check verify
/// makes is exercised against history luoshi did not write.
struct Forge {
    let loaded: LoadedLedger
    let scratch: TemporaryFolder

    init(_ loaded: LoadedLedger) throws {
        self.loaded = loaded
        scratch = try TemporaryFolder()
    }

    /// Loads burden-2019 into a fresh ledger to attack.
    static func burden() throws -> Forge { try Forge(LoadedLedger.load("burden-2019.jsonl")) }

    /// Runs git on the ledger; its output, trimmed. A git failure fails the attack's setup.
    @discardableResult
    func git(_ args: [String], input: String? = nil, environment: [String: String] = [:]) throws -> String {
        let r = try run("git", ["--git-dir", loaded.ledger] + args, input: input, environment: environment)
        guard r.status == 0 else { throw LoadError(message: "git \(args.joined(separator: " ")): \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func head() throws -> String { try git(["rev-parse", "refs/heads/main"]) }

    /// The commit's parent, tree, author time and message.
    func parent(of commit: String) throws -> String { try git(["rev-parse", commit + "^"]) }
    func time(of commit: String) throws -> Int { Int(try git(["log", "-1", "--format=%at", commit])) ?? 0 }
    func message(of commit: String) throws -> String { try git(["log", "-1", "--format=%B", commit]) + "\n" }

    /// The newest commit on main whose trailers say `Luoshi-Action: action` (and, if given, that changed `path`).
    func last(_ action: String, touching path: String? = nil) throws -> String {
        var args = ["log", "-1", "--format=%H", "--grep", "^Luoshi-Action: \(action)$", "refs/heads/main"]
        if let path { args += ["--", path] }
        let id = try git(args)
        guard !id.isEmpty else { throw LoadError(message: "no \(action) commit\(path.map { " touching \($0)" } ?? "") in the ledger") }
        return id
    }

    /// The text of a record at a commit.
    func record(_ path: String, at commit: String) throws -> String {
        try run("git", ["--git-dir", loaded.ledger, "cat-file", "-p", "\(commit):\(path)"]).stdout
    }

    /// Paths of records under a folder at a commit.
    func paths(under folder: String, at commit: String) throws -> [String] {
        try git(["ls-tree", "-r", "--name-only", commit, "--", folder]).split(separator: "\n").map(String.init)
    }

    /// A record edited by a line of Python on `r` (the parsed record), written back the way luoshi
    /// writes records: keys sorted, two-space indent, final newline.
    func edited(_ text: String, _ python: String) throws -> String {
        let program = """
            import json, sys
            r = json.load(sys.stdin)
            \(python)
            sys.stdout.write(json.dumps(r, indent=2, sort_keys=True, ensure_ascii=False) + "\\n")
            """
        let result = try run("python3", ["-c", program], input: text)
        guard result.status == 0 else { throw LoadError(message: "python: \(result.stderr)") }
        return result.stdout
    }

    /// Writes a blob; its id.
    func blob(_ text: String) throws -> String { try git(["hash-object", "-w", "--stdin"], input: text) }

    /// The tree of `base` with some paths set to new contents, some removed, and raw entries
    /// (`mode`, object id, path: a gitlink or a symlink where a record should be).
    func tree(from base: String, set: [String: String] = [:], remove: [String] = [],
              entries: [(mode: String, object: String, path: String)] = []) throws -> String {
        let index = scratch.path("index-\(UUID().uuidString)")
        let env = ["GIT_INDEX_FILE": index]
        try git(["read-tree", base], environment: env)
        var lines = ""
        for (path, text) in set.sorted(by: { $0.key < $1.key }) { lines += "100644 \(try blob(text))\t\(path)\n" }
        for e in entries { lines += "\(e.mode) \(e.object)\t\(e.path)\n" }
        // Mode 0 removes the entry (`update-index --force-remove` would want a work tree).
        for path in remove { lines += "0 0000000000000000000000000000000000000000\t\(path)\n" }
        if !lines.isEmpty { try git(["update-index", "--index-info"], input: lines, environment: env) }
        return try git(["write-tree"], environment: env)
    }

    /// Writes a commit object by hand. `signer` names the key file in the ledger's keys folder
    /// (or pass `keyFile`); neither: the commit is unsigned. The author and committer are `actor@ledger`.
    func commit(tree: String, parents: [String], actor: String, signer: String? = nil, keyFile: String? = nil,
                time: Int, message: String) throws -> String {
        let who = "\(actor) <\(actor)@ledger> \(time) +0000"
        var header = "tree \(tree)\n"
        for p in parents { header += "parent \(p)\n" }
        header += "author \(who)\ncommitter \(who)\n"
        let body = "\n" + message
        var object = header + body
        if let key = keyFile ?? signer.map({ loaded.keys + "/" + $0 }) {
            // Sign exactly the bytes of the unsigned commit, as `git commit -S` does with gpg.format=ssh.
            let payload = scratch.path("payload-\(UUID().uuidString)")
            try object.write(toFile: payload, atomically: true, encoding: .utf8)
            let signed = try run("ssh-keygen", ["-Y", "sign", "-n", "git", "-f", key, payload])
            guard signed.status == 0 else { throw LoadError(message: "ssh-keygen -Y sign: \(signed.stderr)") }
            let armour = try String(contentsOfFile: payload + ".sig", encoding: .utf8)
            let lines = armour.split(separator: "\n", omittingEmptySubsequences: true)
            object = header + "gpgsig " + lines.joined(separator: "\n ") + "\n" + body
        }
        return try git(["hash-object", "-t", "commit", "-w", "--stdin"], input: object)
    }

    /// A commit on top of `parent` that sets and removes records, with a luoshi-style message.
    func commit(on parent: String, set: [String: String] = [:], remove: [String] = [],
                entries: [(mode: String, object: String, path: String)] = [], actor: String, signer: String?,
                keyFile: String? = nil, time: Int? = nil, message: String) throws -> String {
        let t = try time ?? self.time(of: parent) + 60
        return try commit(tree: try tree(from: parent, set: set, remove: remove, entries: entries), parents: [parent], actor: actor,
                          signer: signer, keyFile: keyFile, time: t, message: message)
    }

    /// A report north.lead may add to its own progress: a copy of its last one with a new note.
    static let appendReport = "r['reports'].append(dict(r['reports'][-1], note='forged but honest'))"

    /// north.lead's own report on burden-2019's D-2019-01 clause 1, as luoshi would commit it, on top
    /// of `parent`: a copy of its last report with a new note. Signed with `signer`'s key (or `keyFile`).
    func report(on parent: String, signer: String? = "north.lead", keyFile: String? = nil, time: Int? = nil, message: String? = nil) throws -> String {
        let progress = "directives/D-2019-01/plans/cn/north/progress.json"
        let text = try edited(try record(progress, at: parent), Self.appendReport)
        return try commit(on: parent, set: [progress: text], actor: "north.lead", signer: signer, keyFile: keyFile, time: time,
                          message: message ?? ledgerMessage("report-progress", unit: "cn/north", directive: "D-2019-01", clause: "1"))
    }

    /// A signed annotated tag made by stock git (`git tag -s` with gpg.format=ssh), tagged as `actor@ledger`.
    func tag(_ name: String, on commit: String, actor: String, signer: String, message: String = "checkpoint") throws {
        try git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(loaded.keys)/\(signer)", "-c", "user.name=\(actor)",
                 "-c", "user.email=\(actor)@ledger", "tag", "-s", "-m", message, name, commit])
    }

    /// Moves main: compare-and-swap from `old` as luoshi does, or by force (`old` nil), as `git update-ref` allows.
    func move(to commit: String, from old: String?) throws {
        try git(["update-ref", "refs/heads/main", commit] + (old.map { [$0] } ?? []))
    }

    /// `luoshi verify --format json` on the ledger, with `extra` arguments.
    func verify(_ extra: [String] = []) throws -> Verdict {
        let r = try luoshi(["verify", "--ledger", loaded.ledger, "--format", "json"] + extra)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        let problems = (object["problems"] as? [[String: Any]] ?? []).map {
            Verdict.Problem(commit: $0["commit"] as? String ?? "", kind: $0["kind"] as? String ?? "", detail: $0["detail"] as? String ?? "")
        }
        return Verdict(status: r.status, ok: object["ok"] as? Bool, commits: object["commits"] as? Int ?? 0,
                       problems: problems, stderr: r.stderr)
    }
}

/// A luoshi-style commit message: `<action>: <summary>`, a blank line, the `Luoshi-*` trailers.
func ledgerMessage(_ action: String, unit: String? = nil, directive: String? = nil, clause: String? = nil,
                   finding: String? = nil, summary: String = "forged") -> String {
    var trailers = "Luoshi-Action: \(action)\n"
    if let unit { trailers += "Luoshi-Unit: \(unit)\n" }
    if let directive { trailers += "Luoshi-Directive: \(directive)\n" }
    if let clause { trailers += "Luoshi-Clause: \(clause)\n" }
    if let finding { trailers += "Luoshi-Finding: \(finding)\n" }
    return "\(action): \(summary)\n\n\(trailers)"
}

/// What verify said.
struct Verdict: CustomStringConvertible {
    struct Problem { var commit: String; var kind: String; var detail: String }
    var status: Int32
    var ok: Bool?
    var commits: Int
    var problems: [Problem]
    var stderr: String

    var description: String {
        "exit \(status), ok \(ok.map(String.init) ?? "?"), \(commits) commits: "
            + problems.map { "\($0.commit.prefix(12)) \($0.kind): \($0.detail)" }.joined(separator: "; ") + stderr
    }

    /// Whether verify failed and blamed `commit` for breaking `kind` (with `detail` in its words, if given).
    func blames(_ commit: String, _ kind: String, saying detail: String? = nil) -> Bool {
        status == 1 && ok == false
            && problems.contains { $0.commit == commit && $0.kind == kind && (detail.map($0.detail.contains) ?? true) }
    }

    /// The commits blamed, whatever the rule.
    var blamed: Set<String> { Set(problems.map(\.commit)) }
}
