import Foundation
import Hummingbird
import Ledger
import LedgerModel
import NIOCore

/// The name of the session cookie.
let sessionCookie = "luoshi-session"

extension Response {
    /// A JSON answer in the canonical form the CLI prints.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        bytes(CanonicalJSON.encode(value), contentType: "application/json; charset=utf-8", status: status, headers: extra)
    }

    static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        buffer(ByteBuffer(bytes: bytes), contentType: contentType, status: status, headers: extra)
    }

    static func buffer(_ buffer: ByteBuffer, contentType: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}

extension Request {
    /// The body's bytes, at most `limit`: 413 above it.
    func bytes(limit: Int) async throws -> [UInt8] {
        var buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too-large", "the request body is larger than this server takes (\(limit) bytes)")
        }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    /// The body as JSON, at most `limit` bytes: 413 above it, 400 (with the column) when it is not JSON.
    func json(limit: Int) async throws -> JSONValue {
        let bytes = try await bytes(limit: limit)
        do { return try JSONParser.parse(bytes) } catch {
            throw APIError(.badRequest, "bad-data", "the request body is not JSON (column \(error.column)): \(error.reason)", pointer: .root)
        }
    }

    /// The session token the request carries: `Authorization: Bearer TOKEN`, else the session cookie.
    var sessionToken: String? {
        if let auth = headers[.authorization], auth.hasPrefix("Bearer ") {
            return String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        for header in headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(sessionCookie + "=") { return String(pair.dropFirst(sessionCookie.count + 1)) }
            }
        }
        return nil
    }

    /// The query's parameters, decoded; 400 for one given twice or one `allowed` does not name, so a
    /// typo is never silently ignored.
    func query(allowed: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        guard let query = uri.query, !query.isEmpty else { return out }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws -> String {
                guard let d = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw APIError(.badRequest, "bad-request", "the query parameter \(pieces[0]) is not percent-encoded correctly")
                }
                return d
            }
            let key = try decode(pieces[0])
            let value = pieces.count > 1 ? try decode(pieces[1]) : ""
            guard allowed.contains(key) else {
                let known = allowed.isEmpty ? "it takes none" : "it takes " + allowed.joined(separator: ", ")
                throw APIError(.badRequest, "bad-request", "unknown query parameter \"\(key)\" for \(uri.path); \(known)")
            }
            guard out[key] == nil else { throw APIError(.badRequest, "bad-request", "the query parameter \(key) is given twice") }
            out[key] = value
        }
        return out
    }
}

/// A JSON object of a request body, read member by member; unknown members are refused with their pointer.
struct BodyReader {
    var reader: ObjectReader

    init(_ value: JSONValue) throws {
        do { reader = try ObjectReader(value, at: .root) } catch let e as ValidationError { throw APIError(e) }
    }

    mutating func required<T: JSONReadable>(_ key: String, as type: T.Type = T.self) throws -> T {
        do { return try reader.required(key) } catch let e as ValidationError { throw APIError(e) }
    }

    func finish() throws {
        do { try reader.finish() } catch let e as ValidationError { throw APIError(e) }
    }
}

extension APIError {
    init(_ e: ValidationError) { self.init(.badRequest, "bad-data", e.reason, pointer: e.pointer) }
}

/// Parses an id from a query or a path, naming the parameter when it is not one: a unit id with `..`,
/// a blank, a character ids do not take.
func parseParameter<T>(_ value: String?, _ name: String, _ make: (String) throws -> T) throws -> T? {
    guard let value else { return nil }
    do { return try make(value) } catch let e as ValidationError {
        throw APIError(.badRequest, "bad-request", "\(name)=\(value): \(e.reason)")
    } catch {
        throw APIError(.badRequest, "bad-request", "\(name)=\(value): \(error)")
    }
}

func requireParameter<T>(_ query: [String: String], _ name: String, _ make: (String) throws -> T) throws -> T {
    guard let v = try parseParameter(query[name], name, make) else {
        throw APIError(.badRequest, "bad-request", "the query parameter \(name) is required")
    }
    return v
}
