import Crypto
import Foundation

/// An ed25519 public key as OpenSSH writes it: the identity a ledger commit is signed by.
public struct SSHPublicKey: Hashable, Sendable {
    /// The OpenSSH name of the only key type Luoshi signs with.
    static let keyType = "ssh-ed25519"

    /// The 32-byte ed25519 public key.
    public let raw: [UInt8]

    /// Wraps a raw 32-byte ed25519 public key.
    public init(raw: [UInt8]) throws {
        try self.init(checkedRaw: raw)
    }

    /// Parses a line such as a `.pub` file holds: `ssh-ed25519 AAAA... [comment]`.
    ///
    /// Throws `IdentityError.badPublicKey` for any other key type or a malformed key.
    public init(openSSH line: String) throws {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline })
        guard let typeField = fields.first else {
            throw IdentityError.badPublicKey(reason: "the line is empty")
        }
        guard typeField == Self.keyType else {
            throw IdentityError.badPublicKey(
                reason: "it starts with \"\(typeField)\", not \"\(Self.keyType)\"; Luoshi uses ed25519 keys only")
        }
        guard fields.count >= 2 else {
            throw IdentityError.badPublicKey(reason: "the base64 key after \"\(Self.keyType)\" is missing")
        }
        guard let blob = Data(base64Encoded: String(fields[1])) else {
            throw IdentityError.badPublicKey(reason: "the key after \"\(Self.keyType)\" is not valid base64")
        }
        try self.init(wireBytes: Array(blob))
    }

    /// Decodes the wire form: `string "ssh-ed25519"`, `string key`, and nothing after.
    init(wireBytes: [UInt8]) throws(IdentityError) {
        var reader = SSHWireReader(wireBytes)
        let keyType: String
        let key: [UInt8]
        do {
            keyType = try reader.readText()
            key = try reader.readString()
        } catch {
            throw .badPublicKey(reason: "the key blob is cut short")
        }
        guard keyType == Self.keyType else {
            throw .badPublicKey(reason: "the key inside is a \(keyType) key; Luoshi uses ed25519 keys only")
        }
        guard reader.isAtEnd else {
            throw .badPublicKey(reason: "the key blob has \(reader.remaining.count) unexpected bytes after the key")
        }
        try self.init(checkedRaw: key)
    }

    private init(checkedRaw raw: [UInt8]) throws(IdentityError) {
        guard raw.count == 32 else {
            throw .badPublicKey(reason: "an ed25519 key is 32 bytes, this one is \(raw.count)")
        }
        self.raw = raw
    }

    /// The key as one line, `ssh-ed25519 AAAA...`, without a comment.
    public var openSSH: String {
        "\(Self.keyType) \(Data(wireBytes).base64EncodedString())"
    }

    /// The SSH wire form: `string "ssh-ed25519"` then `string key`.
    public var wireBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendSSHString(Self.keyType)
        bytes.appendSSHString(raw)
        return bytes
    }

    /// The fingerprint `ssh-keygen -l` prints: `SHA256:` and the unpadded base64 of the wire form's SHA-256.
    public var fingerprint: String {
        let digest = Data(SHA256.hash(data: wireBytes)).base64EncodedString()
        return "SHA256:" + digest.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    /// Whether `signature` is this key's raw 64-byte ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

extension SSHPublicKey: CustomStringConvertible {
    /// The fingerprint, which is how OpenSSH tools show a key to people.
    public var description: String { fingerprint }
}
