import Foundation
import GitStore
import LedgerModel

/// The events a unit's clone made and central does not hold yet, kept so that they can be replayed
/// when central moved on meanwhile (`luoshi sync`). A commit cannot give back the event that made it
/// (a report's commit holds the records it wrote, not what the unit asked for), so each write keeps
/// its event beside its commits, in the git directory (`luoshi/journal/<first commit>.json`): local
/// knowledge, never part of the ledger. It is written before `main` moves, so every commit on `main`
/// that central lacks has its event here; an entry whose commits never reached `main` (a write that
/// lost a race, or was killed) is never replayed and goes with the next sync.
struct EventJournal {
    let folder: String

    struct Entry {
        var id: String
        var event: Event
        var commits: [ObjectID]
    }

    /// Keeps each event with the commits it made, one file each, written whole and renamed into place.
    func keep(_ items: [(event: Event, commits: [ObjectID])]) throws {
        for (event, commits) in items {
            guard let first = commits.first else { continue }
            let json = JSONValue.object([
                "formatVersion": .integer(1), "event": event.json,
                "commits": .array(commits.map { .string($0.hex) }),
            ])
            try LocalFile.write(CanonicalJSON.encode(json), to: "\(folder)/\(first.hex).json")
        }
    }

    /// Every entry kept, in no particular order: look them up by commit.
    func entries() throws -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var result: [Entry] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = "\(folder)/\(name)"
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            do {
                var r = try ObjectReader(try JSONParser.parse([UInt8](data)), at: .root)
                let version: Int = try r.required("formatVersion")
                guard version == 1 else { throw ValidationError(.root / "formatVersion", "format version \(version) is not one this Luoshi reads") }
                let event = try Event(json: try r.required("event", as: JSONValue.self), at: .root / "event")
                let commits = try commitIDs(try r.required("commits"), at: .root / "commits")
                guard !commits.isEmpty else { throw ValidationError(.root / "commits", "must list the event's commits") }
                result.append(Entry(id: String(name.dropLast(5)), event: event, commits: commits))
            } catch {
                throw LedgerError.invalidInput(source: InputSource(file: file), pointer: nil,
                    reason: "this clone's record of an unsynced event cannot be read (\(error)); move the file aside to sync without it")
            }
        }
        return result
    }

    func remove(_ id: String) {
        try? FileManager.default.removeItem(atPath: "\(folder)/\(id).json")
    }
}

/// Small files in the git directory that are this copy's own knowledge: written whole to a temporary
/// file and renamed, so a reader (or a process killed mid-write) sees the old file or the new one.
enum LocalFile {
    static func write(_ bytes: [UInt8], to file: String) throws {
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(file).\(getpid()).tmp"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw LedgerError.internalFailure("cannot write \(file): \(error.localizedDescription)")
        }
        guard rename(temporary, file) == 0 else {
            let why = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw LedgerError.internalFailure("cannot write \(file): \(why)")
        }
    }
}

/// An event a sync could not replay on central's newer head, kept aside with the reason, never
/// dropped: `luoshi sync --pending` shows it, `luoshi sync --drop ID` gives it up. Its commits stay
/// reachable under `refs/luoshi/pending/<id>`, so git keeps them as long as the event is kept.
public struct PendingEvent: Sendable, JSONWritable {
    public var id: String
    /// The event as the unit made it; nil for a commit that has no event in the journal.
    public var event: JSONValue?
    public var reason: String
    public var commits: [ObjectID]
    public var keptAt: Timestamp

    public var json: JSONValue {
        jsonObject(["id": id, "event": event, "reason": reason, "commits": commits.map(\.hex), "keptAt": keptAt])
    }

    init(id: String, event: JSONValue?, reason: String, commits: [ObjectID], keptAt: Timestamp) {
        self.id = id; self.event = event; self.reason = reason; self.commits = commits; self.keptAt = keptAt
    }

    init(json: JSONValue, file: String) throws {
        do {
            var r = try ObjectReader(json, at: .root)
            id = try r.required("id")
            event = try r.optional("event")
            reason = try r.required("reason")
            commits = try commitIDs(try r.required("commits"), at: .root / "commits")
            keptAt = try r.required("keptAt")
        } catch {
            throw LedgerError.invalidInput(source: InputSource(file: file), pointer: nil, reason: "a kept-aside event cannot be read: \(error)")
        }
    }
}

/// The commits a journal entry or a kept-aside event names, each a 40-hex id.
private func commitIDs(_ hexes: [String], at pointer: JSONPointer) throws -> [ObjectID] {
    try hexes.enumerated().map { n, hex in
        guard let id = ObjectID(hex: hex) else { throw ValidationError(pointer / n, "\(hex) is not a commit id (40 hex digits)") }
        return id
    }
}

extension Ledger {
    var localFolder: String { URL(fileURLWithPath: gitDirectory).appendingPathComponent("luoshi").path }

    /// The journal of a clone (a ledger made by `luoshi clone`); nil for a ledger that syncs with nothing.
    var journal: EventJournal? {
        let folder = localFolder + "/journal"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return EventJournal(folder: folder)
    }

    var pendingFolder: String { localFolder + "/pending" }
    static let pendingRefPrefix = "refs/luoshi/pending/"

    /// The events kept aside by syncs, oldest first.
    public func pendingEvents() throws -> [PendingEvent] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pendingFolder)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.map { name in
            let file = "\(pendingFolder)/\(name)"
            let bytes = [UInt8](FileManager.default.contents(atPath: file) ?? Data())
            let json: JSONValue
            do { json = try JSONParser.parse(bytes) } catch {
                throw LedgerError.invalidInput(source: InputSource(file: file), pointer: nil, reason: "a kept-aside event cannot be read: \(error)")
            }
            return try PendingEvent(json: json, file: file)
        }.sorted { ($0.keptAt.seconds, $0.id) < ($1.keptAt.seconds, $1.id) }
    }

    /// Gives up a kept-aside event: its record and the ref that kept its commits.
    public func dropPending(_ id: String) throws -> PendingEvent {
        guard let pending = try pendingEvents().first(where: { $0.id == id }) else {
            let known = try pendingEvents().map(\.id)
            throw LedgerError.notFound("no event \"\(id)\" is kept aside" + (known.isEmpty ? "; none is" : "; kept aside: \(known.joined(separator: ", "))"))
        }
        try repository.deleteReference(Ledger.pendingRefPrefix + id)
        try FileManager.default.removeItem(atPath: "\(pendingFolder)/\(id).json")
        return pending
    }

    func keepAside(_ pending: PendingEvent) throws {
        if let last = pending.commits.last {
            try repository.setReference(Ledger.pendingRefPrefix + pending.id, to: last, logMessage: "luoshi sync: kept aside")
        }
        try LocalFile.write(CanonicalJSON.encode(pending.json), to: "\(pendingFolder)/\(pending.id).json")
    }
}
