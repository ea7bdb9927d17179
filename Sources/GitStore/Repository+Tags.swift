import Clibgit2

/// An annotated tag object as stored: what it points at, its name and tagger, and its raw bytes.
public struct TagInfo: Sendable, Hashable {
    /// The kinds of object a tag can point at that Luoshi cares about.
    public enum TargetKind: Sendable, Hashable {
        case commit, tag, other
    }

    /// The tag object's id.
    public var id: ObjectID
    /// The object the tag points at.
    public var target: ObjectID
    public var targetKind: TargetKind
    /// The `tag` header, e.g. `checkpoints/cp-20190701-000000`.
    public var name: String
    /// The `tagger` header; nil when the tag has none.
    public var tagger: GitSignature?
    /// The message, signature included (git appends a tag's signature to its message).
    public var message: String
    /// The whole object as stored, without git's `tag <size>\0` header.
    public var raw: [UInt8]

    /// The signature at the end of the message and the bytes it signs (everything before it),
    /// as `git verify-tag` splits them; nil when the tag is not signed.
    ///
    /// Like git, the signature starts at the last line that opens an armoured SSH or PGP signature.
    public var signedData: (signature: String, payload: [UInt8])? {
        let markers = ["-----BEGIN SSH SIGNATURE-----", "-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----"].map { Array($0.utf8) }
        var lineStart = 0
        var found: Int?
        while lineStart < raw.count {
            if markers.contains(where: { raw[lineStart...].starts(with: $0) }) { found = lineStart }
            guard let newline = raw[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            lineStart = newline + 1
        }
        guard let found else { return nil }
        return (String(decoding: raw[found...], as: UTF8.self), Array(raw[..<found]))
    }
}

extension Repository {
    /// Formats, without writing, an annotated tag object pointing at `target` (a commit or a tag),
    /// exactly as `git tag -a` lays it out. Append an armoured signature of these bytes to sign it,
    /// as `git tag -s` does, then write it with `writeTagObject`.
    public func tagBuffer(target: ObjectID, name: String, tagger: GitSignature, message: String) throws -> [UInt8] {
        let kind = try objectKind(target)
        guard kind == GIT_OBJECT_COMMIT || kind == GIT_OBJECT_TAG else {
            throw GitError(code: .other(-1), class: 0, message: "a tag here points at a commit or a tag; \(target.hex) is neither",
                           function: "git_object_lookup")
        }
        guard !name.isEmpty, !name.contains("\n"), !tagger.name.contains("\n"), !tagger.email.contains("\n"),
              !tagger.email.contains(">"), !tagger.name.contains("<") else {
            throw GitError(code: .other(-1), class: 0, message: "a tag name or tagger must be one line without angle brackets",
                           function: "git_tag_create_from_buffer")
        }
        let sign = tagger.offsetMinutes < 0 ? "-" : "+"
        let offset = abs(tagger.offsetMinutes)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "object \(target.hex)\ntype \(kind == GIT_OBJECT_COMMIT ? "commit" : "tag")\ntag \(name)\n"
        text += "tagger \(tagger.name) <\(tagger.email)> \(tagger.time) \(sign)\(two(offset / 60))\(two(offset % 60))\n\n"
        text += message.hasSuffix("\n") || message.isEmpty ? message : message + "\n"
        return Array(text.utf8)
    }

    /// Writes `buffer` (from `tagBuffer`, usually with a signature appended) as a tag object and
    /// returns its id, after checking that libgit2 reads it back as a tag. Moves no ref: create
    /// the ref with `createTagReference` once the tag may be seen.
    public func writeTagObject(buffer: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        try withObjectDatabase { database in
            try buffer.withUnsafeBytes { bytes in
                _ = try check("git_odb_write") { git_odb_write(&oid, database, bytes.baseAddress, bytes.count, GIT_OBJECT_TAG) }
            }
        }
        let id = ObjectID(oid)
        guard try tag(id) != nil else {
            throw GitError(code: .other(-1), class: 0, message: "the tag written as \(id.hex) does not read back as a tag", function: "git_tag_lookup")
        }
        return id
    }

    /// Creates the ref `name` (under `refs/tags/`) pointing at `tag`; never moves an existing ref.
    /// Throws a `GitError` with code `.exists` when the ref exists already.
    public func createTagReference(_ name: String, to tag: ObjectID, logMessage: String) throws {
        guard name.hasPrefix("refs/tags/") else {
            throw GitError(code: .other(-1), class: 0, message: "\(name) is not a tag ref (refs/tags/...)", function: "git_reference_create")
        }
        try compareAndSwap(name, to: tag, expected: nil, logMessage: logMessage)
    }

    /// Reads the annotated tag `id`; nil when `id` is not a tag object (a commit, say).
    /// `.notFound` when there is no such object.
    public func tag(_ id: ObjectID) throws -> TagInfo? {
        guard try objectKind(id) == GIT_OBJECT_TAG else { return nil }
        var oid = id.oid
        var tag: OpaquePointer? = nil
        try check("git_tag_lookup") { git_tag_lookup(&tag, handle, &oid) }
        defer { git_tag_free(tag) }
        guard let tag, let target = git_tag_target_id(tag) else { throw Repository.missingHandle("git_tag_lookup") }
        let kind: TagInfo.TargetKind = switch git_tag_target_type(tag) {
        case GIT_OBJECT_COMMIT: .commit
        case GIT_OBJECT_TAG: .tag
        default: .other
        }
        let name = git_tag_name(tag).map { String(cString: $0) } ?? ""
        let tagger = git_tag_tagger(tag).map { GitSignature($0) }
        let message = git_tag_message(tag).map { String(cString: $0) } ?? ""
        return TagInfo(id: id, target: ObjectID(target.pointee), targetKind: kind, name: name, tagger: tagger,
                       message: message, raw: try rawObject(id))
    }

    /// Every ref whose full name starts with `prefix` (e.g. `refs/tags/checkpoints/`), sorted by
    /// name, with the object it points at (for an annotated tag, the tag object, not peeled).
    public func references(under prefix: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer? = nil
        try check("git_reference_iterator_new") { git_reference_iterator_new(&iterator, handle) }
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var raw: UnsafePointer<CChar>? = nil
        while try checkNext("git_reference_next_name", { git_reference_next_name(&raw, iterator) }) {
            guard let raw else { continue }
            let name = String(cString: raw)
            if name.hasPrefix(prefix) { names.append(name) }
        }
        var result: [(name: String, target: ObjectID)] = []
        for name in names.sorted() {
            if let target = try resolve(name) { result.append((name, target)) }
        }
        return result
    }

    /// The bytes of object `id` as stored (without git's type and size header).
    func rawObject(_ id: ObjectID) throws -> [UInt8] {
        try withObjectDatabase { database in
            var oid = id.oid
            var object: OpaquePointer? = nil
            try check("git_odb_read") { git_odb_read(&object, database, &oid) }
            defer { git_odb_object_free(object) }
            let size = git_odb_object_size(object)
            guard size > 0, let data = git_odb_object_data(object) else { return [] }
            return Array(UnsafeRawBufferPointer(start: data, count: size))
        }
    }

    /// The type of object `id`; `.notFound` when there is no such object.
    private func objectKind(_ id: ObjectID) throws -> git_object_t {
        try withObjectDatabase { database in
            var oid = id.oid
            var size = 0
            var type = GIT_OBJECT_INVALID
            try check("git_odb_read_header") { git_odb_read_header(&size, &type, database, &oid) }
            return type
        }
    }
}
