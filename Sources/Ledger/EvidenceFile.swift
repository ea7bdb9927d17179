import Crypto
import Foundation
import LedgerModel

/// Evidence named on a command line as `KIND:TITLE:FILE`: the file is hashed here, so the same
/// document claimed twice is recognised wherever it is claimed.
public enum EvidenceFile {
    /// The lower-case hex SHA-256 of the file at `path`, read a megabyte at a time, so a large scan or
    /// video is never held in memory whole.
    public static func sha256(ofFileAt path: String) throws -> String {
        // Only a regular file: a FIFO or a device would block the command, or never end.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
           isDirectory.boolValue || ((try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType) != .typeRegular {
            throw LedgerError.usage("the evidence file \(path) is not a regular file (a folder, pipe or device); give the evidence file itself")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError.usage("cannot read the evidence file \(path): no such file, or not readable")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw LedgerError.usage("cannot read the evidence file \(path): \(error.localizedDescription)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Reads `KIND:TITLE:FILE` (the title may hold colons) and hashes the file. `option` names the
    /// option in messages.
    public static func evidence(_ spec: String, option: String = "--evidence") throws -> Evidence {
        guard let first = spec.firstIndex(of: ":"), let last = spec.lastIndex(of: ":"), first < last,
              let kind = EvidenceKind(rawValue: String(spec[..<first])) else {
            throw LedgerError.usage("\(option) \(spec): give KIND:TITLE:FILE with KIND one of \(EvidenceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let title = String(spec[spec.index(after: first)..<last])
        let file = String(spec[spec.index(after: last)...])
        return Evidence(kind: kind, title: title, sha256: try sha256(ofFileAt: file))
    }
}
