import Foundation

/// Writes the headerless little-endian files of a dataset directory, recording size and CRC-32.
struct DatasetFileWriter {
    let directory: URL
    /// Checked before each file (a few hundred ms of writing at most at 100M events).
    let interruption: Interruption
    private(set) var files: [String: DatasetManifest.FileEntry] = [:]

    init(directory: URL, interruption: Interruption = .process) {
        self.directory = directory
        self.interruption = interruption
    }

    mutating func write(_ name: String, bytes: UnsafeRawBufferPointer) throws {
        try interruption.check()
        let crc = CRC32.checksum(bytes)
        let data = bytes.baseAddress.map { Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: bytes.count, deallocator: .none) } ?? Data()
        do {
            try data.write(to: directory.appendingPathComponent(name))
        } catch {
            throw DataError(.writeFailed, "\(directory.path)/\(name): \(error.localizedDescription)")
        }
        files[name] = .init(bytes: bytes.count, crc32: crc)
    }

    mutating func write<T: FixedWidthInteger>(_ name: String, _ values: [T]) throws {
        #if _endian(little)
        try values.withUnsafeBytes { try write(name, bytes: $0) }
        #else
        try values.map(\.littleEndian).withUnsafeBytes { try write(name, bytes: $0) }
        #endif
    }

    /// Offsets as Int64 (written from the array's own memory where `Int` is 64-bit).
    mutating func writeOffsets(_ name: String, _ offsets: [Int]) throws {
        #if _endian(little) && _pointerBitWidth(_64)
        try offsets.withUnsafeBytes { try write(name, bytes: $0) }
        #else
        try write(name, offsets.map(Int64.init))
        #endif
    }

    /// Edge records (source Int32, target Int32, count Int64), from the array's own memory when
    /// `Edge` has exactly that layout (it does on 64-bit little-endian targets).
    mutating func writeEdges(_ name: String, _ edges: [Edge]) throws {
        #if _endian(little)
        if MemoryLayout<Edge>.stride == 16 && MemoryLayout<Edge>.offset(of: \.target) == 4
            && MemoryLayout<Edge>.offset(of: \.count) == 8 {
            return try edges.withUnsafeBytes { try write(name, bytes: $0) }
        }
        #endif
        var flat: [Int32] = []
        flat.reserveCapacity(edges.count * 4)
        for e in edges {
            flat.append(e.source)
            flat.append(e.target)
            flat.append(Int32(truncatingIfNeeded: e.count))
            flat.append(Int32(truncatingIfNeeded: e.count >> 32))
        }
        try write(name, flat)
    }

    /// (item, attribute) pairs as Int32 pairs, from the array's own memory (a homogeneous
    /// tuple is laid out like a two-element C array).
    mutating func writePairs(_ name: String, _ pairs: [(item: Int32, attribute: Int32)]) throws {
        #if _endian(little)
        if MemoryLayout<(item: Int32, attribute: Int32)>.stride == 8 {
            return try pairs.withUnsafeBytes { try write(name, bytes: $0) }
        }
        #endif
        var flat: [Int32] = []
        flat.reserveCapacity(pairs.count * 2)
        for p in pairs { flat.append(p.item); flat.append(p.attribute) }
        try write(name, flat)
    }

    /// A string table: `name.offsets` (Int64, count + 1) and `name.bytes` (UTF-8).
    mutating func writeStrings(_ name: String, _ strings: [String]) throws {
        // Sized once, filled with one copy per string (no growth, no per-byte appends).
        var total = 0
        for s in strings { total += s.utf8.count }
        let offsets = [Int64](unsafeUninitializedCapacity: strings.count + 1) { offsets, initialized in
            var position = 0
            offsets[0] = 0
            for (i, s) in strings.enumerated() {
                position += s.utf8.count
                offsets[i + 1] = Int64(position)
            }
            initialized = strings.count + 1
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { bytes, initialized in
            var position = 0
            for s in strings {
                let copied = s.utf8.withContiguousStorageIfAvailable { source -> Int in
                    if let base = source.baseAddress, source.count > 0 { (bytes.baseAddress! + position).initialize(from: base, count: source.count) }
                    return source.count
                }
                if let copied {
                    position += copied
                } else {
                    for b in s.utf8 { bytes[position] = b; position += 1 }
                }
            }
            initialized = position
        }
        try write(name + ".offsets", offsets)
        try write(name + ".bytes", bytes)
    }
}

/// Reads and verifies the files a manifest lists (memory-mapped, size and CRC-32 checked).
struct DatasetFileReader {
    let directory: URL
    let manifest: DatasetManifest

    /// The verified bytes of `name`.
    func data(_ name: String) throws -> Data {
        guard let entry = manifest.files[name] else {
            throw DataError(.invalidManifest, "\(directory.path)/manifest.json: no entry for '\(name)'")
        }
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataError(.missingDatasetFile, "\(url.path): missing (listed in manifest.json)")
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw DataError(.missingDatasetFile, "\(url.path): unreadable (\(error.localizedDescription))")
        }
        guard data.count == entry.bytes else {
            throw DataError(.corruptDatasetFile, "\(url.path): \(data.count) bytes, manifest says \(entry.bytes)")
        }
        let crc = data.withUnsafeBytes { CRC32.checksum($0) }
        guard crc == entry.crc32 else {
            throw DataError(.corruptDatasetFile, "\(url.path): checksum mismatch (crc32 \(crc), manifest says \(entry.crc32))")
        }
        return data
    }

    /// A little-endian integer array of exactly `count` elements (when given).
    func array<T: FixedWidthInteger>(_ name: String, count: Int? = nil, as: T.Type = T.self) throws -> [T] {
        let data = try data(name)
        let size = MemoryLayout<T>.size
        guard data.count % size == 0 else {
            throw DataError(.corruptDatasetFile, "\(directory.path)/\(name): \(data.count) bytes is not a multiple of \(size)")
        }
        let n = data.count / size
        if let count, count != n {
            throw DataError(.corruptDatasetFile, "\(directory.path)/\(name): \(n) elements, expected \(count)")
        }
        let values = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            data.withUnsafeBytes { raw in
                if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: raw.baseAddress!, byteCount: n * size) }
            }
            initialized = n
        }
        #if _endian(little)
        return values
        #else
        return values.map { T(littleEndian: $0) }
        #endif
    }

    /// Exactly `count` (item, attribute) pairs, with ids in `1..<items` and `1..<attributes`.
    func pairs(_ name: String, count: Int, items: Int, attributes: Int) throws -> [(item: Int32, attribute: Int32)] {
        let flat: [Int32] = try array(name, count: count * 2)
        var pairs: [(item: Int32, attribute: Int32)] = []
        pairs.reserveCapacity(count)
        for p in 0..<count {
            let item = flat[2 * p], value = flat[2 * p + 1]
            guard item > 0, Int(item) < items, value > 0, Int(value) < attributes else {
                throw DataError(.corruptDatasetFile, "\(directory.path)/\(name): pair \(p) has an id out of range")
            }
            pairs.append((item, value))
        }
        return pairs
    }

    /// A string table of exactly `count` strings.
    func strings(_ name: String, count: Int) throws -> [String] {
        let offsets: [Int64] = try array(name + ".offsets", count: count + 1)
        let bytes = try data(name + ".bytes")
        guard offsets.first == 0, offsets.last == Int64(bytes.count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw DataError(.corruptDatasetFile, "\(directory.path)/\(name).offsets: offsets inconsistent with \(name).bytes")
        }
        return try bytes.withUnsafeBytes { raw in
            let base = raw.bindMemory(to: UInt8.self)
            return try (0..<count).map { i in
                // Validated, not repaired: a damaged table must not turn into U+FFFD ids silently.
                guard let s = String(validating: UnsafeBufferPointer(rebasing: base[Int(offsets[i])..<Int(offsets[i + 1])]), as: UTF8.self) else {
                    throw DataError(.corruptDatasetFile, "\(directory.path)/\(name).bytes: string \(i) is not valid UTF-8")
                }
                return s
            }
        }
    }

    /// Checks that flat-sequence offsets are well formed and tokens lie in `0..<limit`.
    func checkSequences(_ name: String, tokens: [Int32], offsets: [Int64], limit: Int) throws {
        guard offsets.first == 0, offsets.last == Int64(tokens.count),
              zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw DataError(.corruptDatasetFile, "\(directory.path)/\(name).offsets: offsets inconsistent with token count")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= limit }) {
            throw DataError(.corruptDatasetFile, "\(directory.path)/\(name).tokens: id \(bad) outside 0..<\(limit)")
        }
    }
}
