/// One blob that differs between two trees: added (`oldBlob` nil), deleted (`newBlob` nil) or
/// modified (both set). Paths are full paths from the root, separated by `/`.
public struct TreeChange: Sendable, Hashable {
    /// The full path from the root tree, e.g. `units/cn/hunan/unit.json`.
    public let path: String
    /// The blob before the change, nil if the path was added.
    public let oldBlob: ObjectID?
    /// The blob after the change, nil if the path was deleted.
    public let newBlob: ObjectID?
    /// Whether the path is a plain file (mode 100644) after the change: false for an executable, a
    /// symlink or a submodule link, which git can store where a record should be.
    public var newIsPlainFile = true

    /// Creates a change from its parts.
    public init(path: String, oldBlob: ObjectID?, newBlob: ObjectID?) {
        self.path = path
        self.oldBlob = oldBlob
        self.newBlob = newBlob
    }
}
