import Crypto
import Foundation

/// Armoured SSH signatures in OpenSSH's SSHSIG format (`PROTOCOL.sshsig`), the format of
/// `ssh-keygen -Y sign` and of the `gpgsig` header git writes with `gpg.format=ssh`.
///
/// Signed data: `"SSHSIG"`, string namespace, string reserved, string hash algorithm,
/// string hash of the message. Blob: `"SSHSIG"`, uint32 version 1, string public key,
/// string namespace, string reserved, string hash algorithm, string signature
/// (string `"ssh-ed25519"`, string 64 bytes). The armour wraps the blob's base64 at 70 columns.
public enum SSHSignature {
    private static let magic = Array("SSHSIG".utf8)
    private static let version: UInt32 = 1
    private static let armourBegin = "-----BEGIN SSH SIGNATURE-----"
    private static let armourEnd = "-----END SSH SIGNATURE-----"
    private static let lineLength = 70

    /// The armoured SSHSIG (namespace default "git", hash sha512) over `message`, ending in "\n".
    public static func sign(_ message: [UInt8], with key: SSHPrivateKey, namespace: String = "git") throws -> String {
        guard !namespace.isEmpty else { throw IdentityError.emptyNamespace }
        let hashAlgorithm = HashAlgorithm.sha512
        let reserved: [UInt8] = []
        let signed = signedData(
            namespace: namespace, reserved: reserved, hashAlgorithm: hashAlgorithm, message: message)
        let signature = try key.sign(signed)

        var signatureBlob: [UInt8] = []
        signatureBlob.appendSSHString(SSHPublicKey.keyType)
        signatureBlob.appendSSHString(signature)

        var blob = magic
        blob.appendSSHUInt32(version)
        blob.appendSSHString(key.publicKey.wireBytes)
        blob.appendSSHString(namespace)
        blob.appendSSHString(reserved)
        blob.appendSSHString(hashAlgorithm.rawValue)
        blob.appendSSHString(signatureBlob)
        return armour(blob)
    }

    /// Parses and checks an armoured signature; returns the signing public key when valid for
    /// `message` and `namespace`, throws IdentityError describing why otherwise (bad armour,
    /// wrong namespace, unsupported hash, bad signature, ...).
    ///
    /// The returned key is only the key that made the signature: whether that key is allowed
    /// to sign is the caller's decision.
    public static func verify(_ armored: String, message: [UInt8], namespace: String = "git") throws -> SSHPublicKey {
        var reader = SSHWireReader(try dearmour(armored))
        do {
            return try verify(reading: &reader, message: message, namespace: namespace)
        } catch is SSHWireReader.Truncated {
            throw IdentityError.badSignature(reason: "its blob ends in the middle of a field")
        }
    }

    private static func verify(
        reading reader: inout SSHWireReader, message: [UInt8], namespace expectedNamespace: String
    ) throws -> SSHPublicKey {
        guard try reader.readBytes(magic.count) == magic else {
            throw IdentityError.badSignature(reason: "its blob does not start with \"SSHSIG\"")
        }
        let blobVersion = try reader.readUInt32()
        guard blobVersion == version else {
            throw IdentityError.badSignature(reason: "it is SSHSIG version \(blobVersion); Luoshi reads version 1")
        }
        let publicKey: SSHPublicKey
        do {
            publicKey = try SSHPublicKey(wireBytes: try reader.readString())
        } catch let error as IdentityError {
            guard case let .badPublicKey(reason) = error else { throw error }
            throw IdentityError.badSignature(reason: "its public key is not usable: \(reason)")
        }
        let namespace = try reader.readText()
        // PROTOCOL.sshsig: the reserved field is signed as is and otherwise ignored.
        let reserved = try reader.readString()
        let hashName = try reader.readText()
        var signatureBlob = SSHWireReader(try reader.readString())
        guard reader.isAtEnd else {
            throw IdentityError.badSignature(reason: "its blob has extra bytes after the signature")
        }
        guard namespace == expectedNamespace else {
            throw IdentityError.wrongNamespace(expected: expectedNamespace, found: namespace)
        }
        guard let hashAlgorithm = HashAlgorithm(rawValue: hashName) else {
            throw IdentityError.unsupportedHashAlgorithm(hashName)
        }
        let signatureType = try signatureBlob.readText()
        guard signatureType == SSHPublicKey.keyType else {
            throw IdentityError.badSignature(reason: "it is a \(signatureType) signature from an ed25519 key")
        }
        let signature = try signatureBlob.readString()
        guard signatureBlob.isAtEnd, signature.count == 64 else {
            throw IdentityError.badSignature(reason: "its ed25519 signature is not 64 bytes")
        }

        let signed = signedData(
            namespace: namespace, reserved: reserved, hashAlgorithm: hashAlgorithm, message: message)
        guard publicKey.isValidSignature(signature, for: signed) else {
            throw IdentityError.badSignature(
                reason: "it does not match the message for key \(publicKey.fingerprint)")
        }
        return publicKey
    }

    /// The hash algorithms PROTOCOL.sshsig allows for the message digest.
    private enum HashAlgorithm: String {
        case sha256, sha512

        func digest(_ message: [UInt8]) -> [UInt8] {
            switch self {
            case .sha256: Array(SHA256.hash(data: message))
            case .sha512: Array(SHA512.hash(data: message))
            }
        }
    }

    /// What the ed25519 key actually signs: the message's digest, bound to namespace and algorithm.
    private static func signedData(
        namespace: String, reserved: [UInt8], hashAlgorithm: HashAlgorithm, message: [UInt8]
    ) -> [UInt8] {
        var data = magic
        data.appendSSHString(namespace)
        data.appendSSHString(reserved)
        data.appendSSHString(hashAlgorithm.rawValue)
        data.appendSSHString(hashAlgorithm.digest(message))
        return data
    }

    private static func armour(_ blob: [UInt8]) -> String {
        let encoded = Array(Data(blob).base64EncodedString())
        let lines = stride(from: 0, to: encoded.count, by: lineLength).map {
            String(encoded[$0..<min($0 + lineLength, encoded.count)])
        }
        return ([armourBegin] + lines + [armourEnd]).joined(separator: "\n") + "\n"
    }

    /// The blob inside the armour. Surrounding spaces and tabs and CRLF line ends are tolerated,
    /// as `ssh-keygen -Y verify` tolerates them. Works on bytes: verify reads one a commit.
    private static func dearmour(_ armored: String) throws -> [UInt8] {
        var lines: [ArraySlice<UInt8>] = []
        for var line in Array(armored.utf8).split(whereSeparator: { $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }) {
            while let b = line.first, b == 0x20 || b == 0x09 { line.removeFirst() }
            while let b = line.last, b == 0x20 || b == 0x09 { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }
        guard let first = lines.first, first.elementsEqual(armourBegin.utf8) else {
            throw IdentityError.badArmour(reason: "it does not start with \(armourBegin)")
        }
        guard lines.count >= 2, lines[lines.count - 1].elementsEqual(armourEnd.utf8) else {
            throw IdentityError.badArmour(reason: "it does not end with \(armourEnd)")
        }
        let body = lines[1..<(lines.count - 1)].reduce(into: [UInt8]()) { $0.append(contentsOf: $1) }
        guard !body.isEmpty else { throw IdentityError.badArmour(reason: "it has nothing between its armour lines") }
        guard let blob = Data(base64Encoded: Data(body)) else {
            throw IdentityError.badArmour(reason: "the text between its armour lines is not valid base64")
        }
        return Array(blob)
    }
}
