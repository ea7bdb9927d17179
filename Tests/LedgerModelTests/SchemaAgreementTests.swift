import Foundation
import LedgerModel
import Testing

/// The JSON Schemas in `schemas/` and LedgerModel's readers must agree: on every fixture in
/// `Fixtures/valid` both accept, and on every fixture in `Fixtures/invalid` both reject and blame
/// the same JSON pointer. Fixtures marked `schemaCannot` hold a rule JSON Schema cannot state
/// (duplicate clause ids, ...): Luoshi rejects them and the schema, by design, accepts them.
@Suite("Schema agreement")
struct SchemaAgreementTests {
    @Test("Every fixture is JSON Luoshi parses, in the fixture format", arguments: Corpus.all)
    func fixtureParses(_ name: String) throws {
        let fixture = try Corpus.load(name)
        #expect(Corpus.schemaNames.contains(fixture.schema), "unknown schema \(fixture.schema)")
        if name.hasPrefix("invalid/") {
            #expect(fixture.pointer != nil, "an invalid fixture names the pointer Luoshi reports")
            #expect(fixture.why?.isEmpty == false, "an invalid fixture says why")
        }
    }

    @Test("The corpus covers every record kind and every action")
    func coverage() throws {
        let valid = try Corpus.valid.map(Corpus.load)
        let kinds = Set(valid.map(\.schema))
        for schema in Corpus.schemaNames { #expect(kinds.contains(schema), "no valid \(schema) fixture") }
        let actions = Set(valid.filter { $0.schema == "event" }.compactMap { $0.value["action"]?.stringValue })
        for action in ActionName.allCases where action != .genesis {
            #expect(actions.contains(action.rawValue), "no valid \(action.rawValue) event")
        }
        let invalid = try Corpus.invalid.map(Corpus.load)
        #expect(invalid.count >= 40)
        #expect(invalid.filter(\.schemaCannot).count <= 7)
    }

    @Test("Luoshi accepts every valid fixture", arguments: Corpus.valid)
    func luoshiAcceptsValid(_ name: String) throws {
        let fixture = try Corpus.load(name)
        try Corpus.read(fixture)
        // A stored record also reads back through the path it would live at.
        if let path = Corpus.recordPath(fixture) {
            let where_ = try #require(RecordPath(path: path), "\(path) is not a record path")
            #expect(where_.schemaName == fixture.schema)
            #expect(where_.path == path)
            try where_.validate(fixture.value)
        }
    }

    @Test("Luoshi rejects every invalid fixture at its pointer", arguments: Corpus.invalid)
    func luoshiRejectsInvalid(_ name: String) throws {
        let fixture = try Corpus.load(name)
        do {
            try Corpus.read(fixture)
            Issue.record("Luoshi accepted \(name): \(fixture.why ?? "")")
        } catch let error as ValidationError {
            #expect(error.pointer.description == fixture.pointer, "\(name): \(error)")
        }
    }

    @Test("The schema accepts every valid fixture", .enabled(if: Python.available), arguments: Corpus.valid)
    func schemaAcceptsValid(_ name: String) throws {
        let verdict = try #require(try Python.verdicts()[name], "validate.py said nothing about \(name)")
        #expect(verdict.pointer == nil, "\(name): \(verdict.message ?? "")")
    }

    @Test("The schema rejects every invalid fixture at Luoshi's pointer", .enabled(if: Python.available),
          arguments: Corpus.invalid)
    func schemaRejectsInvalid(_ name: String) throws {
        let fixture = try Corpus.load(name)
        let verdict = try #require(try Python.verdicts()[name], "validate.py said nothing about \(name)")
        if fixture.schemaCannot {
            #expect(verdict.pointer == nil, "\(name) is marked schemaCannot but the schema rejects it: drop the mark")
        } else {
            #expect(verdict.pointer == fixture.pointer, "\(name): \(verdict.message ?? "accepted")")
        }
    }

    @Test("validate.py pointer reads a value on stdin", .enabled(if: Python.available),
          arguments: ["valid/directive", "invalid/event-issue-directive-missing-title", "invalid/unit-id-13-levels"])
    func pointerCommand(_ name: String) throws {
        let fixture = try Corpus.load(name)
        let run = try Python.run(["pointer", fixture.schema, "-"], stdin: CanonicalJSON.compact(fixture.value))
        if let pointer = fixture.pointer {
            #expect(run.status == 1, "\(run.stderr)")
            #expect(run.stdout == pointer + "\n")
        } else {
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }
}

/// One fixture file: `{"schema": NAME, "value": ..., "pointer": "/x", "why": "...", "schemaCannot": true}`.
struct Fixture: Sendable {
    var schema: String
    var value: JSONValue
    var pointer: String?
    var why: String?
    var schemaCannot: Bool
}

enum Corpus {
    static let schemaNames = ["ledger", "actor", "unit", "directive", "plan", "progress", "finding", "checkpoint", "event"]

    /// `Fixtures/` next to this file (through the symlink, if the tests were built through one).
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let valid = names("valid")
    static let invalid = names("invalid")
    static let all = valid + invalid

    /// `valid/<name>` and `invalid/<name>`, without `.json`, sorted.
    static func names(_ folder: String) -> [String] {
        let url = directory.appendingPathComponent(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { "\(folder)/\($0.dropLast(5))" }.sorted()
    }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name + ".json") }

    static func load(_ name: String) throws -> Fixture {
        let bytes = try [UInt8](Data(contentsOf: url(name)))
        let json = try JSONParser.parse(bytes)
        var r = try ObjectReader(json, at: .root)
        let fixture = Fixture(
            schema: try r.required("schema"), value: try r.required("value"), pointer: try r.optional("pointer"),
            why: try r.optional("why"), schemaCannot: try r.optional("schemaCannot") ?? false)
        try r.finish()
        return fixture
    }

    /// Luoshi's verdict: reads the value as the record or event the fixture names.
    static func read(_ fixture: Fixture) throws {
        let v = fixture.value
        switch fixture.schema {
        case "event": _ = try Event(json: v, at: .root)
        case "ledger": _ = try LedgerInfo(json: v, at: .root)
        case "actor": _ = try Actor(json: v, at: .root)
        case "unit": _ = try Unit(json: v, at: .root)
        case "directive": _ = try Directive(json: v, at: .root)
        case "plan": _ = try Plan(json: v, at: .root)
        case "progress": _ = try Progress(json: v, at: .root)
        case "finding": _ = try Finding(json: v, at: .root)
        case "checkpoint": _ = try Checkpoint(json: v, at: .root)
        default: Issue.record("unknown schema \(fixture.schema)")
        }
    }

    /// Where a record fixture would be stored, from its own ids; nil for events.
    static func recordPath(_ fixture: Fixture) -> String? {
        func s(_ key: String) -> String { fixture.value[key]?.stringValue ?? "" }
        switch fixture.schema {
        case "ledger": return "ledger.json"
        case "actor": return "actors/\(s("id")).json"
        case "unit": return "units/\(s("id"))/unit.json"
        case "directive": return "directives/\(s("id"))/directive.json"
        case "plan": return "directives/\(s("directive"))/plans/\(s("unit"))/plan.json"
        case "progress": return "directives/\(s("directive"))/plans/\(s("unit"))/progress.json"
        case "finding": return "findings/\(s("id")).json"
        case "checkpoint": return "checkpoints/\(s("id")).json"
        default: return nil
        }
    }
}

/// `scripts/validate.py`, run with the `python3` on PATH.
enum Python {
    struct Verdict: Sendable {
        var pointer: String?
        var message: String?
    }

    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The repository root: `$LUOSHI_ROOT`, else the nearest directory above this file (as
    /// compiled, then with symlinks resolved) holding Package.swift and scripts/validate.py.
    static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["LUOSHI_ROOT"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let file = URL(fileURLWithPath: #filePath)
        for start in [file, file.resolvingSymlinksInPath()] {
            var dir = start.deletingLastPathComponent()
            while dir.pathComponents.count > 1 {
                let fm = FileManager.default
                if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
                   fm.fileExists(atPath: dir.appendingPathComponent("scripts/validate.py").path) {
                    return dir
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    static var script: URL? { root?.appendingPathComponent("scripts/validate.py") }

    /// Whether python3 with jsonschema can run validate.py here.
    static let available: Bool = {
        guard script != nil, let run = try? Python.run(["--help"]) else { return false }
        return run.status == 0
    }()

    static func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        guard let script else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // validate.py writes little to stderr, so reading stdout first cannot stall it.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self))
    }

    /// The schema's verdict on every fixture, from one run of `validate.py fixtures` (starting
    /// Python and jsonschema once per fixture would cost a second each).
    static func verdicts() throws -> [String: Verdict] {
        try cache.get()
    }

    private static let cache = LazyResult<[String: Verdict]> {
        let run = try Python.run(["fixtures"] + Corpus.all.map { Corpus.url($0).path })
        guard run.status == 0 else { throw ValidationError(.root, "validate.py fixtures failed: \(run.stderr)") }
        var out: [String: Verdict] = [:]
        for line in run.stdout.split(separator: "\n") {
            let json = try JSONParser.parse(String(line))
            guard let file = json["file"]?.stringValue else { continue }
            let name = Corpus.all.first { Corpus.url($0).path == file } ?? file
            out[name] = Verdict(pointer: json["pointer"]?.stringValue, message: json["message"]?.stringValue)
        }
        return out
    }
}

/// Computes a value once, on first use, from whichever test asks first.
final class LazyResult<Value: Sendable>: @unchecked Sendable {
    private let make: @Sendable () throws -> Value
    private var result: Result<Value, Error>?
    private let lock = NSLock()
    init(_ make: @escaping @Sendable () throws -> Value) { self.make = make }
    func get() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let result { return try result.get() }
        let made = Result { try make() }
        result = made
        return try made.get()
    }
}
