import Foundation
import Ledger

/// Writes a command's output file (`report-html --out`, `export … --out`), never into the ledger:
/// a path inside its git directory, by any route (`..`, a symbolic link), would overwrite the
/// ledger's own files (`HEAD`, `refs/heads/main`, objects).
func writeOutputFile(_ out: String, _ bytes: Data, outside ledger: Ledger) throws {
    let gitDirectory = resolvedPath(ledger.gitDirectory)
    let target = resolvedPath(out)
    if target == gitDirectory || target.hasPrefix(gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") {
        throw LedgerError.usage("--out \(out) is inside the ledger's git directory (\(gitDirectory)); write the file somewhere else")
    }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
        throw LedgerError.usage("--out \(out) is a folder; give the path of a file")
    }
    guard FileManager.default.createFile(atPath: out, contents: bytes) else {
        throw LedgerError.usage("cannot write \(out) (\(String(cString: strerror(errno)))); check that its folder exists and is writable")
    }
}

/// The absolute path `path` names with every symbolic link resolved, as far as it exists: a file
/// not yet made is its resolved folder plus its name.
func resolvedPath(_ path: String, links: Int = 0) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    if let real = realpath(absolute, nil) {
        defer { free(real) }
        return String(cString: real)
    }
    // A link to a file not yet made: where it points is where the file would be written.
    if links < 40, let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: absolute) {
        let next = destination.hasPrefix("/") ? destination : URL(fileURLWithPath: absolute).deletingLastPathComponent().path + "/" + destination
        return resolvedPath(next, links: links + 1)
    }
    let url = URL(fileURLWithPath: absolute).standardizedFileURL
    let parent = url.deletingLastPathComponent().path
    guard parent != url.path else { return url.path }
    let base = resolvedPath(parent, links: links)
    return (base.hasSuffix("/") ? base : base + "/") + url.lastPathComponent
}
