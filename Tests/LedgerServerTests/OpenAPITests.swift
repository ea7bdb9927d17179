import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerModel
import LedgerServer
import Testing

/// `schemas/openapi.json` describes exactly what the server answers, and the server answers it and
/// the schemas it `$ref`s from the bytes embedded at build time, which are those of schemas/.
@Suite("luoshi serve: the OpenAPI description")
struct OpenAPITests {
    static let schemas = repositoryRoot.appendingPathComponent("schemas")

    static func spec() throws -> [String: Any] {
        let data = try Data(contentsOf: schemas.appendingPathComponent("openapi.json"))
        guard let spec = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw FixtureError("openapi.json is not an object") }
        return spec
    }

    /// Every file of schemas/, by its path under it.
    static func files() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: schemas, includingPropertiesForKeys: nil)!
        for case let url as URL in e where url.pathExtension == "json" {
            let name = String(url.standardizedFileURL.path.dropFirst(schemas.standardizedFileURL.path.count + 1))
            out[name] = try Data(contentsOf: url)
        }
        return out
    }

    @Test("the embedded schemas are the files of schemas/, byte for byte (run scripts/embed-schemas.py when they are not)")
    func embedIsCurrent() throws {
        let files = try Self.files()
        #expect(Set(EmbeddedSchemas.files.keys) == Set(files.keys), "run python3 scripts/embed-schemas.py")
        for (name, data) in files {
            #expect(EmbeddedSchemas.files[name].map { Data($0.utf8) } == data, "\(name) is stale in EmbeddedSchemas.swift: run python3 scripts/embed-schemas.py")
        }
    }

    @Test("the description is OpenAPI 3.1, and its operations are exactly the server's endpoints")
    func operationsAreTheEndpoints() throws {
        let spec = try Self.spec()
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = try #require(spec["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var described: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where methods.contains(method) { described.insert("\(method.uppercased()) \(path)") }
        }
        let served = Set(Endpoint.all.map(\.description))
        #expect(served.count == Endpoint.all.count, "an endpoint is listed twice")
        #expect(served.subtracting(described).sorted() == [], "served but not described")
        #expect(described.subtracting(served).sorted() == [], "described but not served")
        // Every operation documents its answers, and every path parameter is declared.
        for (path, item) in paths {
            for (method, op) in item where methods.contains(method) {
                let op = try #require(op as? [String: Any])
                #expect((op["responses"] as? [String: Any])?.isEmpty == false, "\(method) \(path) has no responses")
                let names = ((op["parameters"] as? [[String: Any]]) ?? []).compactMap { p -> String? in
                    if let name = p["name"] as? String, p["in"] as? String == "path" { return name }
                    if let ref = p["$ref"] as? String, let key = ref.split(separator: "/").last,
                       let c = ((spec["components"] as? [String: Any])?["parameters"] as? [String: [String: Any]])?[String(key)],
                       c["in"] as? String == "path" { return c["name"] as? String }
                    return nil
                }
                let templated = path.split(separator: "{").dropFirst().map { String($0.prefix { $0 != "}" }) }
                #expect(Set(names) == Set(templated), "\(method) \(path): path parameters \(names) for \(templated)")
            }
        }
    }

    @Test("every schemas/ $ref of the description names a file the server serves")
    func refsResolve() throws {
        let text = try String(contentsOf: Self.schemas.appendingPathComponent("openapi.json"), encoding: .utf8)
        let refs = Set(text.components(separatedBy: "\"$ref\": \"").dropFirst().map { String($0.prefix { $0 != "\"" }) })
        for ref in refs where !ref.hasPrefix("#") {
            #expect(ref.hasPrefix("schemas/"), "\(ref) is not relative to /api/v1/schemas/")
            let file = String(ref.dropFirst("schemas/".count).prefix { $0 != "#" })
            #expect(EmbeddedSchemas.files[file] != nil, "\(ref) names no file of schemas/")
        }
    }

    @Test("the server answers the description, the schemas without their $id, and every described path")
    func served() async throws {
        let fixture = try ServerFixture(isPublic: true)
        let app = try await buildApplication(fixture.configuration)
        try await app.test(.router) { client in
            let api = APIClient(client: client)
            let r = try await api.get("/api/v1/openapi.json")
            #expect(r.status == .ok)
            #expect(Data(r.body.readableBytesView) == (try Data(contentsOf: Self.schemas.appendingPathComponent("openapi.json"))))
            let event = try await api.get("/api/v1/schemas/event.json")
            #expect(event.status == .ok)
            let served = try #require(try JSONSerialization.jsonObject(with: Data(event.body.readableBytesView)) as? [String: Any])
            #expect(served["$id"] == nil)
            #expect(served["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect(try await api.get("/api/v1/schemas/events/adopt.json").status == .ok)
            #expect(errorCode(try await api.get("/api/v1/schemas/nothing.json")) == "not-found")
            #expect(errorCode(try await api.get("/api/v1/schemas/openapi.json")) == "not-found")

            // Each endpoint is routed: whatever it answers, it is not the router's own 404.
            for endpoint in Endpoint.all {
                let uri = endpoint.openAPIPath
                    .replacingOccurrences(of: "{kind}", with: "unit").replacingOccurrences(of: "{id}", with: "cn")
                    .replacingOccurrences(of: "{name}", with: "defs.json")
                let r = try await client.execute(uri: uri, method: HTTPRequest.Method(endpoint.method)!, headers: [:], body: body("{}"))
                #expect(errorCode(r) != "http", "\(endpoint): \(r.status) \(String(buffer: r.body))")
            }
            #expect(errorCode(try await api.get("/api/v1/nothing")) == "http", "an unrouted path is the router's 404")
        }
    }
}
