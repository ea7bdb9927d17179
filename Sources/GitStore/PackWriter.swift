import Clibgit2
import Crypto
import Foundation

/// The git object types a pack stores, with their numbers in the pack format.
enum ObjectType: UInt8 {
    case commit = 1, tree = 2, blob = 3, tag = 4

    var name: String {
        switch self {
        case .commit: "commit"
        case .tree: "tree"
        case .blob: "blob"
        case .tag: "tag"
        }
    }
}

/// Streams new objects into one pack file as they are made, the way `git fast-import` does:
/// no loose files, no delta search, no second pass to index what was just written.
///
/// Objects go to `objects/pack/tmp_pack_*` as they come; `finish` writes the version 2 index
/// and renames both files into place. Until then nothing of the pack is visible to readers.
/// Ids are computed at once (the caller needs them); compressing and writing happen on a
/// second thread, so the import goes on while zlib works.
final class PackWriter {
    private let directory: String
    private let temporaryPath: String
    private let stream: PackStream
    private let queue = DispatchQueue(label: "luoshi.pack-writer")
    /// Bounds the objects waiting to be compressed, and so the memory they hold.
    private let slots = DispatchSemaphore(value: 512)
    private var written: Set<ObjectID> = []

    init(objectsDirectory: String) throws {
        directory = objectsDirectory + "/pack"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        temporaryPath = "\(directory)/tmp_pack_luoshi_\(getpid())_\(UInt64.random(in: 0...UInt64.max))"
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: temporaryPath) else {
            throw GitError(code: .other(-1), class: 0, message: "cannot create \(temporaryPath)", function: "pack write")
        }
        stream = try PackStream(file: handle)
    }

    /// The id git gives an object of this type and content.
    static func objectID(_ type: ObjectType, _ content: [UInt8]) -> ObjectID {
        ObjectID.hashing(type: type.name, [content[...]])
    }

    /// Adds an object to the pack (once, however often it is added) and returns its id.
    @discardableResult
    func add(_ type: ObjectType, _ content: [UInt8]) throws -> ObjectID {
        let id = PackWriter.objectID(type, content)
        guard written.insert(id).inserted else { return id }
        slots.wait()
        queue.async { [stream, slots] in
            stream.write(type, content, id: id.raw)
            slots.signal()
        }
        return id
    }

    var objectCount: Int { written.count }

    /// Completes the pack and its index and moves them into `objects/pack`; returns the pack's name.
    func finish() throws -> String {
        let (checksum, entries) = try queue.sync { try stream.close() }
        let name = "pack-" + ObjectID(raw: checksum).hex
        let index = PackWriter.makeIndex(entries, packChecksum: checksum)
        let indexTemporary = temporaryPath + ".idx"
        guard FileManager.default.createFile(atPath: indexTemporary, contents: Data(index)) else {
            throw GitError(code: .other(-1), class: 0, message: "cannot write \(indexTemporary)", function: "pack write")
        }
        // The pack goes in first: a reader finds a pack through its index.
        try replace("\(directory)/\(name).pack", with: temporaryPath)
        try replace("\(directory)/\(name).idx", with: indexTemporary)
        return name
    }

    /// Drops the unfinished pack.
    func discard() {
        queue.sync { stream.abandon() }
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }

    private func replace(_ destination: String, with source: String) throws {
        guard rename(source, destination) == 0 else {
            throw GitError(code: .other(-1), class: 0, message: "cannot move \(source) to \(destination): errno \(errno)", function: "pack write")
        }
    }

    /// Version 2 index: fan-out table, sorted ids, CRC-32s, offsets, checksums.
    static func makeIndex(_ entries: [PackStream.Entry], packChecksum: [UInt8]) -> [UInt8] {
        let sorted = entries.sorted { $0.id.lexicographicallyPrecedes($1.id) }
        var out: [UInt8] = [0xff, 0x74, 0x4f, 0x63] + bigEndian(UInt32(2))
        var fanout = [UInt32](repeating: 0, count: 256)
        for e in sorted { fanout[Int(e.id[0])] += 1 }
        var running: UInt32 = 0
        for i in 0..<256 { running += fanout[i]; out += bigEndian(running) }
        for e in sorted { out += e.id }
        for e in sorted { out += bigEndian(e.crc) }
        var large: [UInt64] = []
        for e in sorted {
            if e.offset < 0x8000_0000 {
                out += bigEndian(UInt32(e.offset))
            } else {
                out += bigEndian(UInt32(0x8000_0000) | UInt32(large.count))
                large.append(e.offset)
            }
        }
        for o in large { out += bigEndian(UInt32(o >> 32)) + bigEndian(UInt32(o & 0xffff_ffff)) }
        out += packChecksum
        out += Array(Insecure.SHA1.hash(data: out))
        return out
    }

    /// Type and size as the pack format writes them: 3 bits of type, then the size in 4 + 7n bits.
    static func entryHeader(_ type: ObjectType, _ size: Int) -> [UInt8] {
        var size = size
        var byte = (type.rawValue << 4) | UInt8(size & 0x0f)
        size >>= 4
        var out: [UInt8] = []
        while size > 0 {
            out.append(byte | 0x80)
            byte = UInt8(size & 0x7f)
            size >>= 7
        }
        out.append(byte)
        return out
    }
}

/// The pack file itself, written on the pack writer's queue only (hence `@unchecked Sendable`:
/// the queue, not the type, keeps it to one thread at a time).
final class PackStream: @unchecked Sendable {
    struct Entry {
        var id: [UInt8]
        var offset: UInt64
        var crc: UInt32
    }

    private let file: FileHandle
    private let deflater: Deflater
    private var buffer: [UInt8] = []
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    /// The first write that failed; `close` reports it.
    private var failure: Error?

    /// Level 1 compression: bulk imports are write-bound, and `git gc` can repack tighter later.
    init(file: FileHandle) throws {
        self.file = file
        deflater = try Deflater(level: 1)
        // The object count is patched in by `close`.
        append(Array("PACK".utf8) + bigEndian(UInt32(2)) + bigEndian(UInt32(0)))
    }

    func write(_ type: ObjectType, _ content: [UInt8], id: [UInt8]) {
        guard failure == nil else { return }
        do {
            var entry = PackWriter.entryHeader(type, content.count)
            try deflater.compress(content, into: &entry)
            let crc = entry.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            entries.append(Entry(id: id, offset: offset, crc: crc))
            append(entry)
            if buffer.count > 1 << 20 { try flush() }
        } catch {
            failure = error
        }
    }

    /// Patches the object count, appends the checksum and closes the file.
    func close() throws -> (checksum: [UInt8], entries: [Entry]) {
        if let failure { throw failure }
        try flush()
        try file.seek(toOffset: 8)
        try file.write(contentsOf: Data(bigEndian(UInt32(entries.count))))
        try file.seek(toOffset: 0)
        var hasher = Insecure.SHA1()
        while let chunk = try file.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        let checksum = Array(hasher.finalize())
        try file.seekToEnd()
        try file.write(contentsOf: Data(checksum))
        try file.synchronize()
        try file.close()
        return (checksum, entries)
    }

    func abandon() {
        try? file.close()
    }

    private func append(_ bytes: [UInt8]) {
        buffer += bytes
        offset += UInt64(bytes.count)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.write(contentsOf: Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// One zlib stream reused for every object: setting a stream up costs more than compressing a
/// small tree, so it is reset between objects instead of made anew.
final class Deflater {
    private var stream = z_stream()
    private var output: [UInt8] = []

    init(level: Int32) throws {
        let status = deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw GitError(code: .other(status), class: 0, message: "zlib could not start a stream", function: "deflateInit")
        }
    }

    deinit { deflateEnd(&stream) }

    /// The zlib stream of `content`, appended to `out`.
    func compress(_ content: [UInt8], into out: inout [UInt8]) throws {
        deflateReset(&stream)
        let bound = Int(deflateBound(&stream, uLong(content.count)))
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let status = content.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw GitError(code: .other(status), class: 0, message: "zlib could not compress an object", function: "deflate")
        }
        out += output[..<Int(stream.total_out)]
    }
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
}
