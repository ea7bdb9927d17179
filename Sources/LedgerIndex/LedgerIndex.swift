import Foundation
import GitStore
import GRDB
import Ledger
import LedgerModel

/// A derived, disposable index of a ledger's history in SQLite (`luoshi/index.sqlite` in the git
/// directory), so that `log`, `show --at`, `blame` and `history` read a few rows instead of walking
/// every commit. Never a source of truth: it records the last commit it indexed, catches up when
/// `main` descends from it, and is rebuilt when `main` does not (a rewind, a rewrite), when its
/// format version differs, or when the file is damaged. Deleting it changes no answer, only the time.
/// `luoshi verify` never reads it.
///
/// What it holds, and why (README: "The history index"):
/// - `commits`: one row a commit of `main`, by its place in history (`seq`, oldest first): id,
///   committer time and zone, actor, subject, trailers and signature status, the columns `log`
///   filters on, with an index each;
/// - `paths` and `changes`: every record path, and for each commit the paths it changed and the new
///   blob (null: deleted). A record's versions (`show --at`, `blame`, `history`) are one range of
///   the `changes` primary key.
/// Readings of a clause against its basis are not stored: they are worked out from the versions the
/// index names when asked, so a new Luoshi's readings never meet an old index's.
public final class LedgerIndex: HistorySource {
    /// Raised whenever what the index holds changes meaning; an index of another version is rebuilt.
    /// 2: `clause` holds every `Luoshi-Clause` trailer of a commit, one a line (an edit of a plan names each clause it changes).
    public static let formatVersion = 2
    /// Commits written in one transaction while building: a build cut short keeps what it wrote.
    static let commitsPerTransaction = 20_000

    public let ledger: Ledger
    public let file: String
    private var pool: DatabasePool

    /// The index file of the ledger at `ledgerPath` (its git directory).
    public static func file(of ledgerPath: String) -> String {
        URL(fileURLWithPath: ledgerPath).appendingPathComponent("luoshi/index.sqlite").path
    }

    /// Opens the ledger's index, making it or catching it up to `main` first; `progress` hears of
    /// long work (commits indexed so far, commits to index).
    public static func open(_ ledger: Ledger, progress: ((Int, Int) -> Void)? = nil) throws -> LedgerIndex {
        let file = Self.file(of: ledger.path)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            let index = try LedgerIndex(ledger: ledger, file: file)
            try index.catchUp(progress: progress)
            return index
        } catch let error as DatabaseError {
            // A damaged file, or one of another format that could not be migrated: start again.
            guard [.SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_ERROR, .SQLITE_SCHEMA].contains(error.resultCode) else { throw error }
            try removeFiles(file)
            let index = try LedgerIndex(ledger: ledger, file: file)
            try index.catchUp(progress: progress)
            return index
        }
    }

    private init(ledger: Ledger, file: String) throws {
        self.ledger = ledger
        self.file = file
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "luoshi history index"
        pool = try DatabasePool(path: file, configuration: configuration)
        var version: Int?
        try pool.read { db in
            if try db.tableExists("meta") {
                version = try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'formatVersion'")
            }
        }
        if let version, version != Self.formatVersion {
            try pool.close()
            try Self.removeFiles(file)
            pool = try DatabasePool(path: file, configuration: configuration)
        }
        try Self.migrator.migrate(pool)
    }

    deinit { try? pool.close() }

    private static func removeFiles(_ file: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: file + suffix) {
            try FileManager.default.removeItem(atPath: file + suffix)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta (key, value) VALUES ('formatVersion', '\(formatVersion)');
                CREATE TABLE commits (
                    seq INTEGER PRIMARY KEY, id BLOB NOT NULL, time INTEGER NOT NULL, zone INTEGER NOT NULL,
                    actor TEXT NOT NULL, subject TEXT NOT NULL, action TEXT, unit TEXT, directive TEXT,
                    clause TEXT, finding TEXT, signature TEXT NOT NULL, later_min_time INTEGER NOT NULL);
                CREATE INDEX commits_by_unit ON commits (unit, seq);
                CREATE INDEX commits_by_directive ON commits (directive, seq);
                CREATE INDEX commits_by_clause ON commits (clause, seq);
                CREATE INDEX commits_by_finding ON commits (finding, seq);
                CREATE INDEX commits_by_actor ON commits (actor, seq);
                CREATE INDEX commits_by_later_min_time ON commits (later_min_time, seq);
                CREATE TABLE paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
                CREATE TABLE changes (path INTEGER NOT NULL, seq INTEGER NOT NULL, blob BLOB, PRIMARY KEY (path, seq)) WITHOUT ROWID;
                """)
        }
        return migrator
    }

    // MARK: - Keeping up with main

    /// The last commit indexed and its place, nil when nothing is.
    private func indexedHead(_ db: Database) throws -> (id: ObjectID, seq: Int64)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, id FROM commits ORDER BY seq DESC LIMIT 1"),
              let id = ObjectID(bytes: [UInt8](row["id"] as Data)) else { return nil }
        return (id, row["seq"])
    }

    /// Indexes what `main` gained since the last commit indexed, or everything again when `main`
    /// no longer descends from it.
    func catchUp(progress: ((Int, Int) -> Void)?) throws {
        let tip = try ledger.head()
        if try pool.read({ db in try indexedHead(db)?.id }) == tip { return }
        try pool.writeWithoutTransaction { db in
            // Another process may have caught up while this one waited for the lock.
            var known = try indexedHead(db)
            if known?.id == tip { return }
            if let k = known, !(try ledger.repository.isAncestor(k.id, of: tip)) {
                try db.inTransaction {
                    try db.execute(sql: "DELETE FROM changes; DELETE FROM paths; DELETE FROM commits;")
                    return .commit
                }
                known = nil
            }
            var seq = known?.seq ?? 0
            var pathIDs: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, path FROM paths") { pathIDs[row["path"]] = row["id"] }
            let insertCommit = try db.makeStatement(sql: """
                INSERT INTO commits (seq, id, time, zone, actor, subject, action, unit, directive, clause, finding, signature, later_min_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            // `later_min_time` is the earliest time of this commit and every later one; a commit
            // dated before some earlier ones (time order allows a few days) lowers theirs.
            let lowerEarlier = try db.makeStatement(sql: "UPDATE commits SET later_min_time = ?1 WHERE later_min_time > ?1")
            let insertPath = try db.makeStatement(sql: "INSERT INTO paths (id, path) VALUES (?, ?)")
            let insertChange = try db.makeStatement(sql: "INSERT INTO changes (path, seq, blob) VALUES (?, ?, ?)")
            var done = 0, total = 0
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                total = try ledger.readHistory(after: known?.id, to: tip) { commit in
                    seq += 1
                    let e = commit.entry, t = e.trailers
                    try lowerEarlier.execute(arguments: [e.time.seconds])
                    try insertCommit.execute(arguments: [
                        seq, Data(e.commit.bytes), e.time.seconds, e.time.offsetMinutes, e.actor, e.subject,
                        t.action?.rawValue, t.unit?.rawValue, t.directive?.rawValue, t.clauses.isEmpty ? nil : t.clauses.map(\.rawValue).joined(separator: "\n"), t.finding?.rawValue,
                        e.signature.rawValue, e.time.seconds,
                    ])
                    for change in commit.changes where change.oldBlob != change.newBlob {
                        let pathID: Int64
                        if let known = pathIDs[change.path] { pathID = known } else {
                            pathID = Int64(pathIDs.count + 1)
                            try insertPath.execute(arguments: [pathID, change.path])
                            pathIDs[change.path] = pathID
                        }
                        try insertChange.execute(arguments: [pathID, seq, change.newBlob.map { Data($0.bytes) }])
                    }
                    done += 1
                    if done % Self.commitsPerTransaction == 0 {
                        try db.execute(sql: "COMMIT; BEGIN IMMEDIATE")
                        progress?(done, 0)
                    }
                }
                try db.execute(sql: "COMMIT")
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
            if total >= Self.commitsPerTransaction { progress?(done, total) }
        }
    }

    // MARK: - Questions

    private static let entryColumns = "c.seq, c.id, c.time, c.zone, c.actor, c.subject, c.action, c.unit, c.directive, c.clause, c.finding, c.signature"

    private static func entry(_ row: Row) throws -> HistoryEntry {
        guard let id = ObjectID(bytes: [UInt8](row["id"] as Data)) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a commit id in the history index is not 20 bytes")
        }
        var trailers = Trailers(action: (row["action"] as String?).flatMap(ActionName.init(rawValue:)),
                                unit: (row["unit"] as String?).flatMap { try? UnitID($0) },
                                directive: (row["directive"] as String?).flatMap { try? DirectiveID($0) },
                                finding: (row["finding"] as String?).flatMap { try? FindingID($0) })
        trailers.clauses = ((row["clause"] as String?) ?? "").split(separator: "\n").compactMap { try? ClauseID(String($0)) }
        return HistoryEntry(commit: id, time: Timestamp(seconds: row["time"], offsetMinutes: row["zone"]), actor: row["actor"],
                            subject: row["subject"], trailers: trailers,
                            signature: HistoryEntry.SignatureStatus(rawValue: row["signature"]) ?? .unsigned)
    }

    public func log(_ filter: HistoryFilter) throws -> [HistoryEntry] {
        var conditions: [String] = [], arguments: [any DatabaseValueConvertible] = []
        if let unit = filter.unit {
            // The unit or any unit below it: ids that start with "unit/" sort between "unit/" and "unit0".
            conditions.append("(c.unit = ? OR (c.unit > ? AND c.unit < ?))")
            arguments += [unit.rawValue, unit.rawValue + "/", unit.rawValue + "0"]
        }
        if let d = filter.directive { conditions.append("c.directive = ?"); arguments.append(d.rawValue) }
        if let c = filter.clause {
            conditions.append("(c.clause = ? OR instr(char(10) || c.clause || char(10), char(10) || ? || char(10)) > 0)")
            arguments.append(c.rawValue); arguments.append(c.rawValue)
        }
        if let f = filter.finding { conditions.append("c.finding = ?"); arguments.append(f.rawValue) }
        if let a = filter.actor { conditions.append("c.actor = ?"); arguments.append(a.rawValue) }
        if let since = filter.since { conditions.append("c.time >= ?"); arguments.append(since.startSeconds) }
        if let until = filter.until { conditions.append("c.time < ?"); arguments.append(until.endSeconds) }
        let sql = "SELECT \(Self.entryColumns) FROM commits c"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY c.seq"
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.entry)
                .filter(filter.admits)   // the index narrows; the filter's own rule decides
        }
    }

    public func versions(of path: String) throws -> [RecordVersion] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.entryColumns), ch.blob FROM changes ch JOIN commits c ON c.seq = ch.seq
                WHERE ch.path = (SELECT id FROM paths WHERE path = ?) ORDER BY ch.seq
                """, arguments: [path]).map { row in
                RecordVersion(entry: try Self.entry(row), position: row["seq"], path: path,
                              blob: (row["blob"] as Data?).flatMap { ObjectID(bytes: [UInt8]($0)) })
            }
        }
    }

    public func lastCommit(before seconds: Int64) throws -> ObjectID? {
        try pool.read { db in
            // The last commit made before `seconds` is the last one whose own and later times are not all
            // after it: `later_min_time` grows with `seq`, so one step down its index finds it. Genesis
            // (the first commit) counts as made before anything.
            let data = try Data.fetchOne(db, sql: """
                SELECT id FROM commits WHERE later_min_time < ? ORDER BY later_min_time DESC, seq DESC LIMIT 1
                """, arguments: [seconds]) ?? Data.fetchOne(db, sql: "SELECT id FROM commits WHERE seq = 1")
            return data.flatMap { ObjectID(bytes: [UInt8]($0)) }
        }
    }

    /// How many commits the index holds.
    public func commitCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM commits") ?? 0 }
    }
}
