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
        // The same luoshi by another path (a symlink on $PATH, the file it points at) is this one.
        let resolve = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        for candidate in [executable, resolve(executable)] where text == script(executable: candidate) {
            if FileManager.default.isExecutableFile(atPath: file) && resolve(candidate) == resolve(executable) { return .installed }
        }
        if let installed = hookExecutable(runs), FileManager.default.isExecutableFile(atPath: file),
           text == script(executable: installed), resolve(installed) == resolve(executable) {
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
    /// place, mode 755), replacing a stale Luoshi hook. A hook that is not Luoshi's is kept and the
    /// call refused, unless `replacingForeign`: then it is kept beside as `pre-receive.before-luoshi`.
    public static func install(ledger ledgerPath: String, executable: String, replacingForeign: Bool = false) throws {
        let file = path(ledger: ledgerPath)
        let state = state(ledger: ledgerPath, executable: executable)
        if state == .installed { return }
        let manager = FileManager.default
        do {
            if state == .foreign {
                guard replacingForeign else {
                    throw LedgerError.usage("\(file) is a hook that is not Luoshi's; move it away, or run `luoshi hooks install --force` to keep it as \(file).before-luoshi and install the receive check")
                }
                let kept = file + ".before-luoshi"
                if manager.fileExists(atPath: kept) { try manager.removeItem(atPath: kept) }
                try manager.moveItem(atPath: file, toPath: kept)
            }
            try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = file + ".luoshi-\(getpid())"
            guard manager.createFile(atPath: temporary, contents: Data(script(executable: executable).utf8),
                                     attributes: [.posixPermissions: 0o755]) else {
                throw LedgerError.internalFailure("cannot write \(temporary): check that the ledger's hooks folder is writable and the disk not full")
            }
            guard rename(temporary, file) == 0 else {
                let reason = String(cString: strerror(errno))
                try? manager.removeItem(atPath: temporary)
                throw LedgerError.internalFailure("cannot install \(file): \(reason)")
            }
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.internalFailure("cannot install \(file): \(error.localizedDescription)")
        }
    }
}
