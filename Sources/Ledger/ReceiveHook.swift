import Foundation

/// The `pre-receive` hook that has git run the receive check (`luoshi verify-push`) on every push to
/// a ledger, whichever server takes the push: `git http-backend`, `git daemon`, ssh.
public enum ReceiveHook {
    /// The line that marks a hook as Luoshi's own.
    static let marker = "# luoshi receive check"

    /// Where the hook of the ledger at `ledgerPath` (its git directory) lives.
    public static func path(ledger ledgerPath: String) -> String {
        (ledgerPath.hasSuffix("/") ? ledgerPath : ledgerPath + "/") + "hooks/pre-receive"
    }

    /// The hook's text for the `luoshi` at `executable` (an absolute path).
    public static func script(executable: String) -> String {
        let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return """
            #!/bin/sh
            \(marker), installed by `luoshi init` or `luoshi hooks install`: git keeps a push's objects
            # apart while this judges them by every rule `luoshi verify` applies, and takes none of it if refused.
            exec \(quoted) verify-push

            """
    }

    /// What a ledger's hooks folder holds of the receive check.
    public enum State: Equatable, Sendable {
        /// This luoshi's hook.
        case installed
        /// No `pre-receive` hook: pushes are taken unjudged.
        case missing
        /// Luoshi's hook, for another `luoshi` (moved, or another version's path): the path it runs.
        case stale(String)
        /// A `pre-receive` hook that is not Luoshi's.
        case foreign
    }

    /// What the ledger at `ledgerPath` has of the hook, against the one for `executable`.
    public static func state(ledger ledgerPath: String, executable: String) -> State {
        let file = path(ledger: ledgerPath)
        guard let data = FileManager.default.contents(atPath: file) else { return .missing }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains(marker) else { return .foreign }
        guard let runs = text.split(separator: "\n").first(where: { $0.hasPrefix("exec ") }).map({ String($0.dropFirst(5)) }) else {
            return .stale("nothing")
        }
        // This luoshi's hook, though it may name it by another path (a symlink on $PATH, or the file it points at).
        let resolve = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        if let installed = hookExecutable(runs), text == script(executable: installed), resolve(installed) == resolve(executable),
           FileManager.default.isExecutableFile(atPath: file) {
            return .installed
        }
        return .stale(runs)
    }

    /// The path in the hook's `exec '<path>' verify-push` line, unquoted.
    static func hookExecutable(_ exec: String) -> String? {
        guard exec.hasPrefix("'"), exec.hasSuffix("' verify-push") else { return nil }
        return String(exec.dropFirst().dropLast("' verify-push".count)).replacingOccurrences(of: "'\\''", with: "'")
    }

    /// Writes the hook for `executable` into the ledger at `ledgerPath` (whole, then renamed into
    /// place, mode 755), replacing a stale Luoshi hook, and returns what the ledger had before. A hook
    /// that is not Luoshi's is kept and the call refused, unless `replacingForeign`: then it is kept
    /// beside as `pre-receive.before-luoshi`. A failure leaves the hook that was there.
    @discardableResult
    public static func install(ledger ledgerPath: String, executable: String, replacingForeign: Bool = false) throws -> State {
        let file = path(ledger: ledgerPath)
        let before = state(ledger: ledgerPath, executable: executable)
        if before == .installed { return before }
        if before == .foreign && !replacingForeign {
            throw LedgerError.usage("\(file) is a hook that is not Luoshi's; move it away, or run `luoshi hooks install --force` to keep it as \(file).before-luoshi and install the receive check")
        }
        let manager = FileManager.default
        let temporary = file + ".luoshi-\(getpid())"
        do {
            try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard manager.createFile(atPath: temporary, contents: Data(script(executable: executable).utf8),
                                     attributes: [.posixPermissions: 0o755]) else {
                throw LedgerError.internalFailure("cannot write \(temporary): check that the ledger's hooks folder is writable and the disk not full")
            }
            if before == .foreign {
                let kept = file + ".before-luoshi"
                if manager.fileExists(atPath: kept) { try manager.removeItem(atPath: kept) }
                try manager.moveItem(atPath: file, toPath: kept)
            }
            guard rename(temporary, file) == 0 else {
                throw LedgerError.internalFailure("cannot install \(file): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            if let error = error as? LedgerError { throw error }
            throw LedgerError.internalFailure("cannot install \(file): \(error.localizedDescription)")
        }
        return before
    }
}
