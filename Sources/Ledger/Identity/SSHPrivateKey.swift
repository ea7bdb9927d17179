import Crypto
import Foundation

/// An unencrypted ed25519 private key in OpenSSH's `openssh-key-v1` format,
/// as `ssh-keygen -t ed25519 -N ''` writes it.
///
/// The format (OpenSSH's `PROTOCOL.key`), inside the base64 between the armour lines:
/// `"openssh-key-v1\0"`, string ciphername, string kdfname, string kdfoptions, uint32 nkeys,
/// string public key blob, string private section. The private section holds uint32 checkint
/// twice, string key type, string public key, string 64-byte private key (seed then public key),
/// string comment, and padding bytes 1, 2, 3, ... up to a multiple of 8.
public struct SSHPrivateKey: Sendable {
    /// The public half, read from the file and checked against the one derived from the seed.
    public let publicKey: SSHPublicKey
    /// The comment stored in the key (ssh-keygen's `-C`, by default `user@host`).
    public let comment: String
    /// The 32-byte ed25519 seed. Kept as bytes, not as a swift-crypto key, so the struct is `Sendable`.
    private let seed: [UInt8]

    private static let armourBegin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let armourEnd = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1\0".utf8)

    /// Reads the key file at `path`.
    public init(fileAt path: String) throws {
        let text = try Self.readKeyFile(at: path)
        try self.init(pem: text, source: path)
    }

    /// Parses the text of a key file; `source` names where it came from in error descriptions.
    public init(pem text: String, source: String) throws {
        let blob = try Self.armouredBody(of: text, source: source)
        var reader = SSHWireReader(blob)
        do {
            try self.init(reading: &reader, source: source)
        } catch is SSHWireReader.Truncated {
            throw IdentityError.damaged(path: source, reason: "it ends in the middle of a field")
        }
    }

    /// Signs `message` with plain ed25519, returning the raw 64-byte signature.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            return Array(try key.signature(for: message))
        } catch {
            throw IdentityError.signingFailed(reason: "\(error)")
        }
    }

    private init(reading reader: inout SSHWireReader, source: String) throws {
        func damaged(_ reason: String) -> IdentityError { .damaged(path: source, reason: reason) }

        guard try reader.readBytes(Self.magic.count) == Self.magic else {
            throw damaged("it does not start with the openssh-key-v1 magic")
        }
        let cipherName = try reader.readText()
        let kdfName = try reader.readText()
        _ = try reader.readString()  // kdf options: empty when unencrypted
        guard cipherName == "none" else {
            throw IdentityError.encrypted(path: source, cipher: cipherName)
        }
        guard kdfName == "none" else {
            throw damaged("it names key derivation \"\(kdfName)\" but cipher \"none\"")
        }
        let keyCount = try reader.readUInt32()
        guard keyCount == 1 else {
            throw damaged("it holds \(keyCount) keys; a key file made by ssh-keygen holds one")
        }

        var publicBlob = SSHWireReader(try reader.readString())
        let publicType = try publicBlob.readText()
        guard publicType == SSHPublicKey.keyType else {
            throw IdentityError.notEd25519(path: source, keyType: publicType)
        }
        let outerPublic = try publicBlob.readString()
        guard publicBlob.isAtEnd else { throw damaged("its public key blob has extra bytes") }

        let privateSection = try reader.readString()
        guard reader.isAtEnd else { throw damaged("it has extra bytes after the private section") }
        // With cipher "none" the section is padded to the 8-byte block size.
        guard privateSection.count % 8 == 0 else {
            throw damaged("its private section is \(privateSection.count) bytes, not a multiple of 8")
        }

        var secret = SSHWireReader(privateSection)
        // The two check integers are equal in an intact key; with no cipher a difference means corruption.
        guard try secret.readUInt32() == secret.readUInt32() else {
            throw damaged("the check integers of its private section differ")
        }
        let privateType = try secret.readText()
        guard privateType == SSHPublicKey.keyType else {
            throw damaged("its private section holds a \(privateType) key but its header an ed25519 key")
        }
        let innerPublic = try secret.readString()
        let keyPair = try secret.readString()
        let comment = try secret.readText()
        let padding = Array(secret.remaining)
        guard padding == (0..<padding.count).map({ UInt8(truncatingIfNeeded: $0 + 1) }) else {
            throw damaged("the padding of its private section is not 1, 2, 3, ...")
        }

        guard outerPublic.count == 32, innerPublic == outerPublic else {
            throw damaged("the public key in its private section differs from the one in its header")
        }
        guard keyPair.count == 64, Array(keyPair[32...]) == outerPublic else {
            throw damaged("its private key is not the 32-byte seed followed by the public key")
        }
        let seed = Array(keyPair[..<32])
        let derived: [UInt8]
        do {
            derived = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
        } catch {
            throw damaged("its private key is not a valid ed25519 seed")
        }
        guard derived == outerPublic else {
            throw damaged("its stored public key does not belong to its private key")
        }

        self.publicKey = try SSHPublicKey(raw: outerPublic)
        self.comment = comment
        self.seed = seed
    }

    /// The bytes between the armour lines, or the error that best says what the text is instead.
    private static func armouredBody(of text: String, source: String) throws -> [UInt8] {
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let first = lines.first else {
            throw IdentityError.damaged(path: source, reason: "it is empty")
        }
        guard first == armourBegin else {
            throw foreignFormatError(firstLine: first, source: source)
        }
        guard let end = lines.firstIndex(of: armourEnd) else {
            throw IdentityError.damaged(path: source, reason: "its \(armourEnd) line is missing")
        }
        guard let body = Data(base64Encoded: lines[1..<end].joined()) else {
            throw IdentityError.damaged(path: source, reason: "its body is not valid base64")
        }
        return Array(body)
    }

    /// Names the format of a file that is not an `openssh-key-v1` key, for the error.
    private static func foreignFormatError(firstLine: String, source: String) -> IdentityError {
        let pemTypes: [(header: String, keyType: String)] = [
            ("-----BEGIN RSA PRIVATE KEY-----", "ssh-rsa"),
            ("-----BEGIN EC PRIVATE KEY-----", "ecdsa"),
            ("-----BEGIN DSA PRIVATE KEY-----", "ssh-dss"),
        ]
        if let match = pemTypes.first(where: { $0.header == firstLine }) {
            return .notEd25519(path: source, keyType: "\(match.keyType) (PEM)")
        }
        if firstLine == "-----BEGIN ENCRYPTED PRIVATE KEY-----" {
            return .encrypted(path: source, cipher: "PKCS#8")
        }
        if firstLine.hasPrefix("ssh-") || firstLine.hasPrefix("ecdsa-") {
            return .damaged(path: source, reason: "it is a public key; give the private key file, without .pub")
        }
        return .damaged(path: source, reason: "it does not start with \(armourBegin)")
    }

    private static func readKeyFile(at path: String) throws -> String {
        // Only a regular file: a pipe or device (`/dev/stdin`, a FIFO) is no key file, and reading
        // one would wait for input or never end.
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw IdentityError.unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw IdentityError.unreadable(path: path, reason: "it is a directory")
        default: throw IdentityError.unreadable(path: path, reason: "it is not a regular file (a pipe, device or socket)")
        }
        // A key file is a few hundred bytes; anything much larger is not one.
        guard status.st_size <= 1 << 16 else {
            throw IdentityError.unreadable(path: path, reason: "it is \(status.st_size) bytes, far larger than a key file")
        }
        guard access(path, R_OK) == 0 else {
            throw IdentityError.unreadable(path: path, reason: "permission denied for this user")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw IdentityError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension SSHPrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the key by its public half, so logging a key never prints its secret.
    public var description: String { "SSHPrivateKey(\(publicKey.fingerprint) \(comment))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["publicKey": publicKey, "comment": comment], displayStyle: .struct)
    }
}
