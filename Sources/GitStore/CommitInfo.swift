/// A commit read from the repository, copied out of libgit2.
public struct CommitInfo: Sendable {
    /// The commit's own id.
    public let id: ObjectID
    /// The root tree it records.
    public let tree: ObjectID
    /// Its parents, in order; empty for a root commit.
    public let parents: [ObjectID]
    /// Who made the change, and when.
    public let author: GitSignature
    /// Who recorded it, and when.
    public let committer: GitSignature
    /// The raw message decoded as UTF-8, with invalid bytes replaced.
    public let message: String
    /// The raw message bytes exactly as stored.
    public let rawMessage: [UInt8]
}
