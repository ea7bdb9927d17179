import Foundation

/// Why a key could not be read, or a signature could not be made or checked.
///
/// `path` is where a private key came from: a file path, or the `source` given to
/// `SSHPrivateKey.init(pem:source:)`. Descriptions say what went wrong and what to do.
public enum IdentityError: Error, CustomStringConvertible, Equatable {
    /// The key file could not be read at all (missing, a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The key is protected by a passphrase; `cipher` is the cipher its header names.
    case encrypted(path: String, cipher: String)
    /// The key is a valid key of another type (`ssh-rsa`, `ecdsa-sha2-nistp256`, ...).
    case notEd25519(path: String, keyType: String)
    /// The file is not a well-formed unencrypted `openssh-key-v1` ed25519 key.
    case damaged(path: String, reason: String)
    /// An OpenSSH public key line could not be used.
    case badPublicKey(reason: String)
    /// The text is not an `-----BEGIN SSH SIGNATURE-----` armoured SSHSIG blob.
    case badArmour(reason: String)
    /// The signature was made for another namespace than the one being checked.
    case wrongNamespace(expected: String, found: String)
    /// The signature hashes the message with an algorithm other than sha256 or sha512.
    case unsupportedHashAlgorithm(String)
    /// The signature is well formed but does not match the message, or its blob is malformed.
    case badSignature(reason: String)
    /// A signature namespace must not be empty (PROTOCOL.sshsig).
    case emptyNamespace
    /// The cryptographic library refused to sign.
    case signingFailed(reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "could not read the key file \(path) (\(reason)); check the path, "
                + "or make a key with \(Self.keygenCommand(path))"
        case let .encrypted(path, cipher):
            return "the key file \(path) is encrypted (\(cipher)); Luoshi needs an unencrypted key: "
                + "make one with \(Self.keygenCommand(path))"
        case let .notEd25519(path, keyType):
            return "the key file \(path) holds a \(keyType) key; Luoshi signs with ed25519 keys only: "
                + "make one with \(Self.keygenCommand(path))"
        case let .damaged(path, reason):
            return "the key file \(path) is damaged (\(reason)); restore it from a backup, "
                + "or make a new key with \(Self.keygenCommand(path))"
        case let .badPublicKey(reason):
            return "the public key is not usable (\(reason)); give a line as written by ssh-keygen, "
                + "such as the contents of a .pub file: `ssh-ed25519 AAAA... comment`"
        case let .badArmour(reason):
            return "the signature is not an armoured SSH signature (\(reason)); it must run from "
                + "`-----BEGIN SSH SIGNATURE-----` to `-----END SSH SIGNATURE-----`"
        case let .wrongNamespace(expected, found):
            return "the signature was made for namespace \"\(found)\", not \"\(expected)\"; "
                + "sign again with namespace \"\(expected)\" (`ssh-keygen -Y sign -n \(expected)`)"
        case let .unsupportedHashAlgorithm(name):
            return "the signature hashes the message with \"\(name)\", which Luoshi does not check; "
                + "sign again with sha512 (the ssh-keygen default)"
        case let .badSignature(reason):
            return "the signature is not valid (\(reason)); the signed data may have been changed "
                + "after signing, or the signature belongs to something else"
        case .emptyNamespace:
            return "a signature namespace must not be empty; Luoshi signs commits in namespace \"git\""
        case let .signingFailed(reason):
            return "could not sign (\(reason)); check that the key file is an ed25519 key made by ssh-keygen"
        }
    }

    /// The command that makes a fresh key at `path`, quoted for a POSIX shell when needed.
    private static func keygenCommand(_ path: String) -> String {
        "`ssh-keygen -t ed25519 -N '' -f \(shellQuoted(path))`"
    }

    private static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic && scalar.isASCII
                || ("0"..."9").contains(scalar)
                || "/._-+@:,=%".unicodeScalars.contains(scalar)
        }
        if plain && !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
