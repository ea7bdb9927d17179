import Foundation
import GitStore

/// The head a full verification last accepted, kept in the git directory (`luoshi/verified-head`), so
/// that the next verification (a server starting, a sync) checks only what came after it. Like the
/// index, it is local knowledge, never part of the ledger: deleting it costs a verification from
/// genesis, nothing else.
extension Ledger {
    var verifiedHeadFile: String { URL(fileURLWithPath: path).appendingPathComponent("luoshi/verified-head").path }

    /// The head recorded by `recordVerifiedHead`, if any and still an object of this repository.
    public func verifiedHead() -> ObjectID? {
        guard let text = try? String(contentsOfFile: verifiedHeadFile, encoding: .utf8),
              let id = ObjectID(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              (try? repository.commit(id)) != nil else { return nil }
        return id
    }

    /// Records `head` as verified: written to a temporary file and renamed, so a reader sees the old
    /// head or the new one, never part of either.
    public func recordVerifiedHead(_ head: ObjectID) throws {
        try LocalFile.write(Array((head.hex + "\n").utf8), to: verifiedHeadFile)
    }
}
