import Crypto
import Foundation
import LedgerModel

/// The evidence files a ledger's server keeps, each under its SHA-256, in `luoshi/evidence/` of the
/// ledger's git directory (`ab/cdef…`, git's own fan-out).
///
/// Outside `refs/heads/main`, on purpose. A claim in the ledger names its evidence by hash; that is
/// what is signed, verified and copied to every replica. The files themselves can be large (scans,
/// videos), personal or confidential, and a county's copy, a national auditor's replica and a
/// public mirror need not all carry them: they can be kept, backed up or purged by a policy of
/// their own without rewriting history, and whoever holds one can check it against the claim. The
/// store takes only bytes that hash to the name they are sent under, so it can never hold a file
/// that contradicts a claim, and it never overwrites one.
public struct EvidenceStore: Sendable {
    /// The store's folder.
    public let folder: String

    public init(gitDirectory: String) {
        folder = (gitDirectory as NSString).appendingPathComponent("luoshi/evidence")
    }

    /// Reads a SHA-256 as a store's name: 64 lower-case hex digits.
    public static func name(_ text: String) throws -> String {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw LedgerError.usage("\"\(text)\" is not a SHA-256: give its 64 lower-case hex digits")
        }
        return text
    }

    /// Where the file named `sha256` lives (whether or not it is there).
    public func path(of sha256: String) -> String {
        "\(folder)/\(sha256.prefix(2))/\(sha256.dropFirst(2))"
    }

    /// Whether the store holds the file named `sha256`.
    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: path(of: sha256))
    }

    /// The size of the file named `sha256`, or nil when the store does not hold it.
    public func size(of sha256: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path(of: sha256)))?[.size] as? Int
    }

    /// Takes a file a piece at a time into a temporary file beside the store, hashing as it goes;
    /// `finish` keeps it under its name only when the bytes hash to it. Nothing is left behind by an
    /// intake that is refused, abandoned or over its limit.
    public func intake(for sha256: String, limit: Int) throws -> Intake {
        try Intake(store: self, name: try Self.name(sha256), limit: limit)
    }

    public final class Intake {
        let store: EvidenceStore
        let name: String
        let limit: Int
        let temporary: String
        var handle: FileHandle?
        var hasher = SHA256()
        public private(set) var count = 0

        init(store: EvidenceStore, name: String, limit: Int) throws {
            self.store = store; self.name = name; self.limit = limit
            let manager = FileManager.default
            let incoming = "\(store.folder)/incoming"
            do { try manager.createDirectory(atPath: incoming, withIntermediateDirectories: true) } catch {
                throw LedgerError.internalFailure("cannot make the evidence store's folder \(incoming): \(error.localizedDescription)")
            }
            temporary = "\(incoming)/\(name).\(getpid()).\(UUID().uuidString)"
            guard manager.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
                throw LedgerError.internalFailure("cannot write in the evidence store's folder \(incoming)")
            }
            self.handle = handle
        }

        deinit { abandon() }

        /// Adds the next bytes; refused (and the intake abandoned) past the limit.
        public func append(_ bytes: some Collection<UInt8>) throws {
            guard let handle else { throw LedgerError.internalFailure("the evidence intake is closed") }
            count += bytes.count
            if count > limit {
                abandon()
                throw LedgerError.tooLarge("the evidence file is over the server's limit of \(limit) bytes")
            }
            let data = Data(bytes)
            hasher.update(data: data)
            do { try handle.write(contentsOf: data) } catch {
                abandon()
                throw LedgerError.internalFailure("cannot write the evidence file: \(error.localizedDescription)")
            }
        }

        /// Keeps the file under its name when what came hashes to it; true when the store did not
        /// hold it before. A file that hashes to anything else is refused and dropped.
        @discardableResult
        public func finish() throws -> Bool {
            guard let handle else { throw LedgerError.internalFailure("the evidence intake is closed") }
            do { try handle.synchronize(); try handle.close() } catch {
                abandon()
                throw LedgerError.internalFailure("cannot write the evidence file: \(error.localizedDescription)")
            }
            self.handle = nil
            let got = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            guard got == name else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw LedgerError.invalid(nil, "the file sent hashes to \(got), not to \(name): the store keeps a file only under its own SHA-256")
            }
            let target = store.path(of: name)
            if FileManager.default.fileExists(atPath: target) {
                try? FileManager.default.removeItem(atPath: temporary)
                return false
            }
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard rename(temporary, target) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw LedgerError.internalFailure("cannot keep the evidence file in \(store.folder): \(error.localizedDescription)")
            }
            return true
        }

        func abandon() {
            if let handle { try? handle.close(); self.handle = nil; try? FileManager.default.removeItem(atPath: temporary) }
        }
    }
}
