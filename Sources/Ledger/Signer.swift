import LedgerModel

/// Finds the private key an actor signs with, and checks the ledger knows it.
public protocol Signer {
    func key(for actor: Actor) throws -> SSHPrivateKey
}

/// The keys of many actors, one OpenSSH private key file per actor: `DIR/<actor id>`.
public final class KeyDirectory: Signer {
    public let directory: String
    private var loaded: [ActorID: SSHPrivateKey] = [:]

    public init(directory: String) { self.directory = directory }

    public func key(for actor: Actor) throws -> SSHPrivateKey {
        try checked(privateKey(of: actor.id), actor, "\(directory)/\(actor.id)")
    }

    /// The key file of `actor`, read once, without asking whether the ledger knows it: for a write
    /// through a server, which checks the signature against the actor's keys itself.
    public func privateKey(of actor: ActorID) throws -> SSHPrivateKey {
        if let k = loaded[actor] { return k }
        let path = "\(directory)/\(actor)"
        let key: SSHPrivateKey
        do { key = try SSHPrivateKey(fileAt: path) } catch let e as IdentityError {
            if case .unreadable = e {
                throw LedgerError.denied("actor \(actor) has no key file \(path); put its OpenSSH ed25519 private key there")
            }
            throw LedgerError.denied("\(e)")
        }
        loaded[actor] = key
        return key
    }
}

/// One key, for commands a single person runs (`apply`, `report`).
public struct SingleKey: Signer {
    public let key: SSHPrivateKey
    public let path: String

    public init(path: String) throws {
        do { key = try SSHPrivateKey(fileAt: path) } catch { throw LedgerError.usage("\(error)") }
        self.path = path
    }

    public func key(for actor: Actor) throws -> SSHPrivateKey { try checked(key, actor, path) }
}

private func checked(_ key: SSHPrivateKey, _ actor: Actor, _ path: String) throws -> SSHPrivateKey {
    guard actor.holds(key: key.publicKey.openSSH) else {
        let revoked = actor.revokedKeys.contains { sshKeyIdentity($0.key) == key.publicKey.openSSH }
        throw LedgerError.denied("the key in \(path) (\(key.publicKey.fingerprint)) is \(revoked ? "revoked" : "not registered") for actor \(actor.id)")
    }
    return key
}
