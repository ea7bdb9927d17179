import GitStore
import LedgerModel

/// One version of a directive: the record as a commit left it (issued, or amended), and the commit.
public struct DirectiveVersion: Sendable {
    public var directive: Directive
    public var entry: HistoryEntry
}

extension Ledger {
    /// Every version of directive `id`, oldest first: as issued, then as each amendment left it,
    /// each with the commit that wrote it (who, when, its signature status).
    public func directiveVersions(_ id: DirectiveID, history: (any HistorySource)? = nil) throws -> [DirectiveVersion] {
        try requireDirective(id)
        return try (history ?? walkedHistory).versions(of: RecordPath.directive(id).path).compactMap { version in
            guard let blob = version.blob else { return nil }
            let directive = try Directive(json: JSONParser.parse(repository.blob(blob)), at: .root)
            return DirectiveVersion(directive: directive, entry: version.entry)
        }
    }
}
