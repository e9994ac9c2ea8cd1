/// A structural check of an index file's outer `IndexIDMap2` record, made before Faiss parses it.
///
/// Faiss 1.7.3 rebuilds the id map's reverse table from the header's `ntotal` while reading,
/// before any check of ours can run: a damaged `ntotal` (e.g. −1) makes it walk far past the
/// stored ids (a hang, then a crash). The file of an `IndexIDMap2` starts with the fourcc
/// `IxM2`, the dimension (Int32) and `ntotal` (Int64), and ends with the id map: a UInt64 count
/// followed by that many Int64 ids. Both counts must agree with each other and with the size.
enum IndexFileLayout {
    /// The largest dimension accepted (as `VectorIndex(factory:dimension:)`).
    static let maxDimension = 65_536

    /// Throws `.format` unless `bytes` has the outer shape of an IDMap2 index file.
    static func check(_ bytes: UnsafeRawBufferPointer) throws(VectorIndexError) {
        guard bytes.count >= 16 else { throw VectorIndexError(.format, "index file of \(bytes.count) bytes is too short") }
        guard bytes[0] == UInt8(ascii: "I"), bytes[1] == UInt8(ascii: "x"), bytes[2] == UInt8(ascii: "M"), bytes[3] == UInt8(ascii: "2") else {
            throw VectorIndexError(.format, "not an IDMap2 index file (bad fourcc)")
        }
        let dimension = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: Int32.self)))
        guard (1...maxDimension).contains(dimension) else {
            throw VectorIndexError(.format, "index header dimension \(dimension) is outside 1...\(maxDimension)")
        }
        let total = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self))
        // The id map alone takes 8 bytes per vector plus its count.
        let maxTotal = Int64((bytes.count - 16 - 8) / 8)
        guard total >= 0, total <= maxTotal else {
            throw VectorIndexError(.format, "index header says \(total) vectors, impossible in a file of \(bytes.count) bytes")
        }
        let countOffset = bytes.count - 8 * Int(total) - 8
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: countOffset, as: UInt64.self))
        guard stored == UInt64(total) else {
            throw VectorIndexError(.format, "index header says \(total) vectors, its id map holds \(stored) (damaged or truncated file)")
        }
    }
}
