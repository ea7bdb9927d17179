import Foundation
import LedgerModel
import Testing

/// An event written back (`Event.json`, what a copy's journal keeps for a replay) reads as the same
/// event: for every valid event fixture, which covers every action, and every event of the scenarios.
@Suite("Events written back")
struct EventJSONTests {
    @Test("every valid event fixture reads back as itself", arguments: Corpus.valid)
    func fixture(_ name: String) throws {
        let fixture = try Corpus.load(name)
        guard fixture.schema == "event" else { return }
        let event = try Event(json: fixture.value, at: .root)
        let again = try Event(json: event.json, at: .root)
        #expect(again == event, "\(CanonicalJSON.string(event.json))")
    }

    @Test("every event of the scenarios reads back as itself, and writing it again gives the same bytes")
    func scenarios() throws {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { root.deleteLastPathComponent() }
        let folder = root.appendingPathComponent("scenarios")
        var count = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".jsonl") {
            // The scenarios name keys as ${KEY:actor}, which load.sh fills in; any key does here.
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(of: #"\$\{KEY:[^}]+\}"#, with: Self.someKey, options: .regularExpression)
            let bytes = Array(text.utf8)
            for line in try EventFile.parse(bytes, file: name) {
                let again = try Event(json: line.event.json, at: .root)
                #expect(again == line.event, "\(name):\(line.line)")
                #expect(CanonicalJSON.encode(again.json) == CanonicalJSON.encode(line.event.json), "\(name):\(line.line)")
                count += 1
            }
        }
        #expect(count > 50)
    }

    static let someKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBXTTdDk27swtcmRU7jYWM7rhhGWHTZmf+onY4J3dgqz test"

}
