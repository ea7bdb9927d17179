import Clibdeflate
import Clibgit2
import Foundation

/// Reads objects straight from a repository's pack files, for commands that read many small
/// objects without rehashing them (`Repository.open(at:verifiesObjectHashes: false)`).
///
/// libgit2 takes one process-wide lock (`git__mwindow_mutex`) each time it opens or leaves a window
/// on a pack, and sets up a zlib stream per object: 10,000 path lookups at older commits took 0.39 s
/// on one thread and 0.36 s on two, about 40 µs each for eight small objects.
///
/// This reader maps each `.idx`, finds an object by the index's fan-out table and a binary search,
/// reads it from the `.pack` with `pread`, inflates it (with libdeflate in one call when the read
/// holds the whole stream, else with one zlib stream it reuses), and applies deltas
/// (`OFS_DELTA` and `REF_DELTA`) over bases it keeps. It knows the packs present when it was made:
/// an object it does not find (loose, or in a newer pack) or cannot read is left to libgit2, which
/// reads it or names the problem. `Repository` asks it for trees and blobs one object at a time.
///
/// One reader per repository handle, used by one thread at a time, like the handle.
final class PackReader {
    enum Kind: UInt8 {
        case commit = 1, tree = 2, blob = 3, tag = 4
    }

    private let packs: [Pack]
    /// The pack the last object was found in.
    private var lastPack = 0
    private var stream = z_stream()
    private var streamReady = false
    /// Inflates a stream held whole in one call, about a third faster than zlib on records of a few
    /// hundred bytes; nil if it could not be made.
    private let decompressor = libdeflate_alloc_decompressor()
    /// Compressed bytes read from a pack, reused.
    private var input = [UInt8](repeating: 0, count: 64 << 10)
    /// The bytes read for the last tree, from `readBehind` bytes before it: git and Luoshi write a
    /// file's blob just before the tree that names it, so a file read right after its folder is
    /// usually whole in them. `near.count` bytes from offset `near.start` of pack `near.pack`.
    private var nearBytes = [UInt8](repeating: 0, count: 64 << 10)
    private var near = (pack: -1, start: 0, count: 0)
    private static let readBehind = 512
    /// Objects read from `nearBytes` without reading the pack (for tests).
    private(set) var nearReads = 0
    /// Reads into `input` so far.
    private var inputReads = 0
    /// Objects read as delta bases, by pack and offset, up to `cacheLimit` bytes.
    private var bases: [BaseKey: (kind: Kind, bytes: [UInt8])] = [:]
    private var cachedBytes = 0
    private let cacheLimit = 32 << 20

    private struct BaseKey: Hashable {
        var pack: Int
        var offset: Int
    }

    /// The readable packs in `objects/pack` of the repository at `gitDirectory`.
    init(gitDirectory: String) {
        let folder = (gitDirectory as NSString).appendingPathComponent("objects/pack")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        packs = names.filter { $0.hasSuffix(".idx") }.sorted().compactMap { name in
            Pack(index: (folder as NSString).appendingPathComponent(name),
                 pack: (folder as NSString).appendingPathComponent(String(name.dropLast(4)) + ".pack"))
        }
        streamReady = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if streamReady { inflateEnd(&stream) }
        if let decompressor { libdeflate_free_decompressor(decompressor) }
    }

    /// The object `id`, or nil when it is not in these packs or cannot be read here. With
    /// `keepingNear` (for trees), the bytes read are kept as `near`, from a little before the object.
    func read(_ id: ObjectID, keepingNear: Bool = false) -> (kind: Kind, bytes: [UInt8])? {
        guard streamReady else { return nil }
        // Objects read together were mostly written together: the pack that held the last one first.
        if lastPack < packs.count, let offset = packs[lastPack].offset(of: id) {
            return object(in: lastPack, at: offset, keepingNear: keepingNear)
        }
        for (n, pack) in packs.enumerated() where n != lastPack {
            if let offset = pack.offset(of: id) {
                lastPack = n
                return object(in: n, at: offset, keepingNear: keepingNear)
            }
        }
        return nil
    }

    /// The object at `offset` of pack `n`: from `nearBytes` when it is whole there, else read.
    private func object(in n: Int, at offset: Int, keepingNear: Bool) -> (kind: Kind, bytes: [UInt8])? {
        if n == near.pack, offset >= near.start, offset < near.start + near.count,
           let found = objectNear(offset - near.start) {
            nearReads += 1
            return found
        }
        guard keepingNear else { return object(in: n, at: offset, depth: 0) }
        let start = max(12, offset - Self.readBehind)
        let got = readInput(packs[n], at: start, count: offset - start + Self.firstRead)
        let readsBefore = inputReads
        guard got > offset - start, let found = object(in: n, at: offset, depth: 0, held: (start, got)) else { return nil }
        // `input` still holds the bytes around the tree unless reading it read more (a longer stream,
        // a delta's base): then they are not kept. Else they are, and the other buffer is reused.
        if inputReads == readsBefore {
            swap(&input, &nearBytes)
            near = (n, start, got)
        } else {
            near = (-1, 0, 0)
        }
        return found
    }

    /// Reads up to `count` bytes at `offset` of `pack` into the start of `input`; how many it read.
    private func readInput(_ pack: Pack, at offset: Int, count: Int) -> Int {
        inputReads += 1
        return pack.read(at: offset, into: &input, count: count)
    }

    /// A whole (not deltified) object at `position` of `nearBytes`, when all of it is there.
    private func objectNear(_ position: Int) -> (kind: Kind, bytes: [UInt8])? {
        guard let header = Pack.header(nearBytes[position..<near.count]), let kind = Kind(rawValue: header.type),
              let bytes = inflateWhole(nearBytes, position + header.length..<near.count, size: header.size) else { return nil }
        return (kind, bytes)
    }

    /// The object at `offset` of pack `n`, its deltas applied; nil if anything about it is wrong.
    /// `held`: `input` already holds `count` bytes of the pack from `start` (at most `offset`) on.
    private func object(in n: Int, at offset: Int, depth: Int, held: (start: Int, count: Int)? = nil) -> (kind: Kind, bytes: [UInt8])? {
        // Delta chains are at most a few dozen long (git's default depth is 50); deeper is corrupt.
        guard depth < 1000 else { return nil }
        let pack = packs[n]
        // One read holds the header, an OFS_DELTA's distance or a REF_DELTA's base id, and all the
        // compressed data of most objects.
        let (from, got) = held ?? (offset, readInput(pack, at: offset, count: Self.firstRead))
        let at = offset - from
        guard got > at, let header = Pack.header(input[at..<got]) else { return nil }
        switch header.type {
        case 1...4:
            guard let kind = Kind(rawValue: header.type),
                  let bytes = inflate(pack, from: at + header.length, of: got, at: from, size: header.size) else { return nil }
            return (kind, bytes)
        case 6, 7:
            let baseOffset: Int, dataStart: Int
            if header.type == 6 {
                guard let (distance, length) = Pack.deltaDistance(input[at + header.length..<got]), distance > 0, distance <= offset else { return nil }
                baseOffset = offset - distance
                dataStart = at + header.length + length
            } else {
                guard got >= at + header.length + 20 else { return nil }
                let id = ObjectID(raw: input[at + header.length..<at + header.length + 20])
                guard let found = pack.offset(of: id) else { return nil }
                baseOffset = found
                dataStart = at + header.length + 20
            }
            // The delta is inflated before its base is read: reading the base reuses `input`.
            guard let delta = inflate(pack, from: dataStart, of: got, at: from, size: header.size),
                  let base = self.base(in: n, at: baseOffset, depth: depth),
                  let bytes = Self.apply(delta, to: base.bytes) else { return nil }
            return (base.kind, bytes)
        default:
            return nil
        }
    }

    /// How much of an object the first read takes.
    private static let firstRead = 1024

    /// A delta's base, from the cache or read and kept.
    private func base(in n: Int, at offset: Int, depth: Int) -> (kind: Kind, bytes: [UInt8])? {
        let key = BaseKey(pack: n, offset: offset)
        if let known = bases[key] { return known }
        guard let base = object(in: n, at: offset, depth: depth + 1) else { return nil }
        if cachedBytes + base.bytes.count > cacheLimit {
            bases.removeAll(keepingCapacity: true)
            cachedBytes = 0
        }
        if base.bytes.count <= cacheLimit / 4 {
            bases[key] = base
            cachedBytes += base.bytes.count
        }
        return base
    }

    /// Inflates into exactly `size` bytes the zlib stream that starts at `input[start]`, where `input`
    /// holds `held` bytes read from `offset` of the pack; the rest is read a chunk at a time.
    private func inflate(_ pack: Pack, from start: Int, of held: Int, at offset: Int, size: Int) -> [UInt8]? {
        guard start <= held else { return nil }
        // Most records are whole in the first read. A stream that runs past it, or that libdeflate
        // refuses, is read again by zlib a chunk at a time, which has the last word.
        if let whole = inflateWhole(input, start..<held, size: size) { return whole }
        guard inflateReset(&stream) == Z_OK else { return nil }
        var position = offset + held
        var range = start..<held
        var status = Z_OK
        // Room for one byte more than the object, so a stream longer than its header says is caught;
        // the array holds what zlib wrote, and the result only when that is exactly `size` bytes.
        let out = [UInt8](unsafeUninitializedCapacity: size + 1) { target, written in
            stream.next_out = target.baseAddress!
            stream.avail_out = UInt32(target.count)
            while status == Z_OK {
                if range.isEmpty {
                    let got = readInput(pack, at: position, count: input.count)
                    guard got > 0 else { status = Z_DATA_ERROR; break }
                    position += got
                    range = 0..<got
                }
                input.withUnsafeMutableBytes { source in
                    stream.next_in = source.baseAddress!.advanced(by: range.lowerBound).assumingMemoryBound(to: UInt8.self)
                    stream.avail_in = UInt32(range.count)
                    status = Clibgit2.inflate(&stream, Z_NO_FLUSH)
                    range = range.upperBound - Int(stream.avail_in)..<range.upperBound
                }
            }
            written = Int(stream.total_out)
        }
        guard status == Z_STREAM_END, out.count == size else { return nil }
        return out
    }

    /// Exactly `size` bytes inflated from the zlib stream at the start of `bytes[range]`, in one call;
    /// nil when the stream is not wholly in the range, does not inflate to exactly `size` bytes, or
    /// is not valid. libdeflate reads past the end of a stream that does not end within its input
    /// as zeros, and fails if any of those were needed.
    func inflateWhole(_ bytes: [UInt8], _ range: Range<Int>, size: Int) -> [UInt8]? {
        guard let decompressor, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        var inflated = false
        let out = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { target, written in
            inflated = bytes.withUnsafeBytes { source in
                libdeflate_zlib_decompress(decompressor, source.baseAddress!.advanced(by: range.lowerBound), range.count,
                                           target.baseAddress, size, nil) == LIBDEFLATE_SUCCESS
            }
            written = inflated ? size : 0
        }
        return inflated ? out : nil
    }

    /// Applies a git delta (source size, target size, then copy and insert instructions).
    static func apply(_ delta: [UInt8], to base: [UInt8]) -> [UInt8]? {
        var i = 0
        func varint() -> Int? {
            var value = 0, shift = 0
            while i < delta.count, shift < 64 {
                let b = delta[i]
                i += 1
                value |= Int(b & 0x7f) << shift
                shift += 7
                if b & 0x80 == 0 { return value }
            }
            return nil
        }
        guard let sourceSize = varint(), sourceSize == base.count, let targetSize = varint() else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(targetSize)
        while i < delta.count {
            let op = delta[i]
            i += 1
            if op & 0x80 != 0 {
                // Copy from the base: offset in up to four bytes, size in up to three (0 means 0x10000).
                var offset = 0, size = 0
                for bit in 0..<4 where op & (1 << bit) != 0 {
                    guard i < delta.count else { return nil }
                    offset |= Int(delta[i]) << (8 * bit); i += 1
                }
                for bit in 0..<3 where op & (0x10 << bit) != 0 {
                    guard i < delta.count else { return nil }
                    size |= Int(delta[i]) << (8 * bit); i += 1
                }
                if size == 0 { size = 0x10000 }
                guard offset + size <= base.count else { return nil }
                out.append(contentsOf: base[offset..<offset + size])
            } else if op != 0 {
                // Insert the next `op` bytes of the delta.
                let size = Int(op)
                guard i + size <= delta.count else { return nil }
                out.append(contentsOf: delta[i..<i + size])
                i += size
            } else {
                return nil
            }
        }
        return out.count == targetSize ? out : nil
    }
}

/// One mapped `.idx` (version 2), and its `.pack`, read with `pread`: mapping a pack of a gigabyte
/// and more would count every page read as the process's own memory.
private final class Pack {
    let index: UnsafeRawBufferPointer
    let file: Int32
    let count: Int

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: index.baseAddress), index.count)
        close(file)
    }

    init?(index indexPath: String, pack packPath: String) {
        guard let index = Self.map(indexPath) else { return nil }
        let file = open(packPath, O_RDONLY | O_CLOEXEC)
        var head = [UInt8](repeating: 0, count: 12)
        // Index: "\377tOc", version 2, 256 fan-out counts; pack: "PACK", version 2 or 3, object count.
        let count = index.count >= 8 + 1024 ? Int(Self.bigEndian32(index, 8 + 255 * 4)) : -1
        let headRead = file >= 0 ? head.withUnsafeMutableBytes { pread(file, $0.baseAddress, 12, 0) } : -1
        guard file >= 0, headRead == 12, count >= 0, index.count >= 8 + 1024 + count * 28 + 40,
              Array(index[0..<8]) == [0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2], Array(head[0..<4]) == Array("PACK".utf8),
              [2, 3].contains(head.withUnsafeBytes { Self.bigEndian32($0, 4) }),
              head.withUnsafeBytes({ Int(Self.bigEndian32($0, 8)) }) == count else {
            munmap(UnsafeMutableRawPointer(mutating: index.baseAddress), index.count)
            if file >= 0 { close(file) }
            return nil
        }
        self.index = index; self.file = file; self.count = count
    }

    /// Reads up to `count` bytes at `offset` of the pack into the start of `buffer`; how many it read.
    func read(at offset: Int, into buffer: inout [UInt8], count: Int) -> Int {
        buffer.withUnsafeMutableBytes { target in
            while true {
                let got = pread(file, target.baseAddress, min(count, target.count), off_t(offset))
                if got < 0 && errno == EINTR { continue }
                return max(0, got)
            }
        }
    }

    private static func map(_ path: String) -> UnsafeRawBufferPointer? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        // Objects are read here and there: no read-ahead, so only the pages read count as resident.
        _ = madvise(address, size, MADV_RANDOM)
        return UnsafeRawBufferPointer(start: address, count: size)
    }

    static func bigEndian32(_ buffer: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The offset in the pack of object `id`, nil if the pack does not hold it.
    func offset(of id: ObjectID) -> Int? {
        let raw = id.raw
        let first = Int(raw[0])
        var low = first == 0 ? 0 : Int(Self.bigEndian32(index, 8 + (first - 1) * 4))
        var high = Int(Self.bigEndian32(index, 8 + first * 4))
        let names = 8 + 1024
        // Names sort by their bytes: compare the first eight as one big-endian number, the rest on a tie.
        let leading = raw.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        while low < high {
            let middle = (low + high) / 2
            let name = names + middle * 20
            let other = UInt64(bigEndian: index.loadUnaligned(fromByteOffset: name, as: UInt64.self))
            let order = leading != other ? (leading < other ? -1 : 1)
                : raw.withUnsafeBytes { memcmp($0.baseAddress!, index.baseAddress!.advanced(by: name), 20) }
            if order == 0 { return entryOffset(middle) }
            if order < 0 { high = middle } else { low = middle + 1 }
        }
        return nil
    }

    /// The pack offset of the `n`th object of the index: 31 bits, or an index into the 64-bit table.
    private func entryOffset(_ n: Int) -> Int? {
        let offsets = 8 + 1024 + count * 24
        let small = Self.bigEndian32(index, offsets + n * 4)
        guard small & 0x8000_0000 != 0 else { return Int(small) }
        let large = offsets + count * 4 + Int(small & 0x7fff_ffff) * 8
        guard large + 8 <= index.count - 40 else { return nil }
        return Int(UInt64(bigEndian: index.loadUnaligned(fromByteOffset: large, as: UInt64.self)))
    }

    /// The type and inflated size in an object's header, and the header's length.
    static func header(_ bytes: ArraySlice<UInt8>) -> (type: UInt8, size: Int, length: Int)? {
        var i = bytes.startIndex
        guard i < bytes.endIndex else { return nil }
        var byte = bytes[i]
        i += 1
        let type = (byte >> 4) & 7
        var size = Int(byte & 0x0f), shift = 4
        while byte & 0x80 != 0 {
            guard i < bytes.endIndex, shift < 57 else { return nil }
            byte = bytes[i]
            i += 1
            size |= Int(byte & 0x7f) << shift
            shift += 7
        }
        return (type, size, i - bytes.startIndex)
    }

    /// The distance back to an `OFS_DELTA`'s base, and the length of its encoding.
    static func deltaDistance(_ bytes: ArraySlice<UInt8>) -> (distance: Int, length: Int)? {
        var i = bytes.startIndex
        guard i < bytes.endIndex else { return nil }
        var byte = bytes[i]
        i += 1
        var distance = Int(byte & 0x7f)
        while byte & 0x80 != 0 {
            guard i < bytes.endIndex, distance < Int.max >> 8 else { return nil }
            byte = bytes[i]
            i += 1
            distance = ((distance + 1) << 7) | Int(byte & 0x7f)
        }
        return (distance, i - bytes.startIndex)
    }
}

// MARK: Trees

extension PackReader {
    /// The root tree of commit `id`: the first line of a commit is `tree <40 hex>`.
    func rootTree(ofCommit id: ObjectID) -> ObjectID? {
        guard let commit = read(id), commit.kind == .commit, commit.bytes.count >= 46,
              commit.bytes[0..<5].elementsEqual("tree ".utf8), commit.bytes[45] == 0x0A else { return nil }
        return ObjectID(hex: String(decoding: commit.bytes[5..<45], as: UTF8.self))
    }

    /// The entries of tree `id` in stored order, as libgit2 parses them.
    func tree(_ id: ObjectID) -> [(name: String, entry: Repository.Entry)]? {
        guard let tree = read(id, keepingNear: true), tree.kind == .tree else { return nil }
        var entries: [(name: String, entry: Repository.Entry)] = []
        var next = 0
        while next < tree.bytes.count {
            guard let (name, entry, end) = Self.entry(in: tree.bytes, at: next) else { return nil }
            entries.append((String(decoding: name, as: UTF8.self), entry))
            next = end
        }
        return entries
    }

    /// The entry `name` of tree `id`, found in its bytes without making the others; nil when the tree
    /// cannot be read here, `.some(nil)` when it has no such entry.
    func entry(named name: Substring, inTree id: ObjectID) -> Repository.Entry?? {
        guard let tree = read(id), tree.kind == .tree else { return nil }
        var next = 0
        while next < tree.bytes.count {
            guard let (entryName, entry, end) = Self.entry(in: tree.bytes, at: next) else { return nil }
            if entryName.elementsEqual(name.utf8) { return .some(entry) }
            next = end
        }
        return .some(nil)
    }

    /// The tree entry at `start` of `bytes` (`<octal mode> <name>\0<20-byte id>`): its name, its entry
    /// and where the next one starts; nil if it is malformed.
    private static func entry(in bytes: [UInt8], at start: Int) -> (name: ArraySlice<UInt8>, entry: Repository.Entry, end: Int)? {
        guard let space = bytes[start...].firstIndex(of: 0x20), let nul = bytes[space...].firstIndex(of: 0),
              space > start, nul > space + 1, nul + 21 <= bytes.count else { return nil }
        var mode: UInt32 = 0
        for digit in bytes[start..<space] {
            guard (0x30...0x37).contains(digit) else { return nil }
            mode = mode << 3 | UInt32(digit - 0x30)
        }
        return (bytes[space + 1..<nul], Repository.Entry(id: ObjectID(raw: bytes[nul + 1..<nul + 21]), mode: normalized(mode)), nul + 21)
    }

    /// A file mode as libgit2 reads it: the kind of entry, and for a file whether it is executable.
    private static func normalized(_ mode: UInt32) -> UInt32 {
        switch mode & 0o170000 {
        case 0o040000: GIT_FILEMODE_TREE.rawValue
        case 0o120000: GIT_FILEMODE_LINK.rawValue
        case 0o160000: GIT_FILEMODE_COMMIT.rawValue
        default: mode & 0o111 != 0 ? GIT_FILEMODE_BLOB_EXECUTABLE.rawValue : GIT_FILEMODE_BLOB.rawValue
        }
    }
}
