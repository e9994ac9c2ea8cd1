/// Maps byte strings (ids read from a log) to dense 0-based ids, fast.
///
/// An open-addressing hash table over an arena of key bytes. Keys are compared byte-wise, so
/// the parser never builds a `String` per field. Ids are assigned in order of first appearance.
final class ByteInterner {
    /// Key bytes, back to back.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// `starts[id]..<starts[id + 1]` is the key of `id` in the arena (`count + 1` entries).
    private var starts: UnsafeMutablePointer<Int>
    private var startsCapacity: Int
    /// Hash of each key, by id (kept to rehash without reading the arena).
    private var keyHashes: UnsafeMutablePointer<UInt64>
    /// Table slots, two words each: `entry` = hash tag (24 bits) | key length (8 bits, 255 = long)
    /// | `id + 1` (32 bits), 0 when empty; then the key's bytes when it is at most 8 bytes long.
    /// Short keys (most ids) are thus matched without touching the arena: one cache miss a probe.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int
    /// Number of distinct keys.
    private(set) var count = 0

    init(expectedCount: Int = 1024) {
        var tableSize = 64
        while tableSize < expectedCount * 2 { tableSize <<= 1 }
        slotMask = tableSize - 1
        slots = HugePageMemory.allocateZeroed(UInt64.self, count: 2 * tableSize)
        startsCapacity = max(expectedCount, 16) + 1
        starts = HugePageMemory.allocateZeroed(Int.self, count: startsCapacity)
        keyHashes = HugePageMemory.allocateZeroed(UInt64.self, count: startsCapacity)
        arenaCapacity = max(expectedCount * 8, 256)
        arena = HugePageMemory.allocateZeroed(UInt8.self, count: arenaCapacity)
    }

    deinit {
        HugePageMemory.deallocate(arena, count: arenaCapacity)
        HugePageMemory.deallocate(starts, count: startsCapacity)
        HugePageMemory.deallocate(keyHashes, count: startsCapacity)
        HugePageMemory.deallocate(slots, count: 2 * (slotMask + 1))
    }

    /// The id of `key`, inserting it when new.
    @inline(__always)
    func intern(_ key: ByteField) -> Int32 {
        var isNew = false
        return intern(key, isNew: &isNew)
    }

    /// The id of `key`, inserting it when new; `isNew` tells which.
    @inline(__always)
    func intern(_ key: ByteField, isNew: inout Bool) -> Int32 {
        intern(key, hash: ByteInterner.hash(key), isNew: &isNew)
    }

    /// The first table word `key` (of hash `hash`) probes. Loading it for a batch of keys
    /// before interning them lets their cache misses overlap instead of queueing one by one.
    @inline(__always)
    func probe(hash: UInt64) -> UInt64 {
        slots[2 * (Int(truncatingIfNeeded: hash) & slotMask)]
    }

    /// `intern(_:isNew:)` with the key's `ByteInterner.hash` already computed.
    @inline(__always)
    func intern(_ key: ByteField, hash: UInt64, isNew: inout Bool) -> Int32 {
        let header = ByteInterner.header(hash: hash, length: key.count)
        let word = key.count <= 8 ? ByteInterner.inlineWord(key) : 0
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[2 * slot]
            if entry == 0 { break }
            if entry >> 32 == header {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if key.count <= 8 {
                    if slots[2 * slot + 1] == word {
                        isNew = false
                        return Int32(id)
                    }
                } else {
                    let start = starts[id]
                    if starts[id + 1] - start == key.count && memoryEqual(arena + start, key.start, key.count) {
                        isNew = false
                        return Int32(id)
                    }
                }
            }
            slot = (slot + 1) & slotMask
        }
        isNew = true
        return insert(key, hash: hash, slot: slot)
    }

    /// Tag and length bits of a slot entry (its high 32 bits).
    @inline(__always)
    static func header(hash: UInt64, length: Int) -> UInt64 {
        (hash >> 40) << 8 | UInt64(min(length, 255))
    }

    /// The bytes of a key of at most 8 bytes, zero-padded, as one word.
    @inline(__always)
    static func inlineWord(_ key: ByteField) -> UInt64 {
        var word: UInt64 = 0
        var i = 0
        while i < key.count {
            word |= UInt64(key.start[i]) << (8 * UInt64(i))
            i += 1
        }
        return word
    }

    /// The id of `key` if present.
    func lookup(_ key: ByteField) -> Int32? {
        let hash = ByteInterner.hash(key)
        let header = ByteInterner.header(hash: hash, length: key.count)
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[2 * slot]
            if entry == 0 { return nil }
            if entry >> 32 == header {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                let start = starts[id]
                if starts[id + 1] - start == key.count && memoryEqual(arena + start, key.start, key.count) { return Int32(id) }
            }
            slot = (slot + 1) & slotMask
        }
    }

    /// The id of a `String` key, inserting it when new.
    func intern(_ key: String) -> Int32 {
        var key = key
        return key.withUTF8 { intern(ByteField($0)) }
    }

    /// The id of a `String` key if present.
    func lookup(_ key: String) -> Int32? {
        var key = key
        return key.withUTF8 { lookup(ByteField($0)) }
    }

    /// The key of `id` as a `String` (keys are validated UTF-8).
    func string(_ id: Int32) -> String {
        let start = starts[Int(id)]
        let length = starts[Int(id) + 1] - start
        return String(decoding: UnsafeBufferPointer(start: arena + start, count: length), as: UTF8.self)
    }

    private func insert(_ key: ByteField, hash: UInt64, slot: Int) -> Int32 {
        let id = count
        if id >= Int(Int32.max) - 1 { fatalError("ByteInterner: more than 2^31 distinct keys") }
        if arenaCount + key.count > arenaCapacity {
            var newCapacity = arenaCapacity * 2
            while newCapacity < arenaCount + key.count { newCapacity *= 2 }
            let grown = HugePageMemory.allocateZeroed(UInt8.self, count: newCapacity)
            grown.update(from: arena, count: arenaCount)
            HugePageMemory.deallocate(arena, count: arenaCapacity)
            arena = grown
            arenaCapacity = newCapacity
        }
        if key.count > 0 { (arena + arenaCount).update(from: key.start, count: key.count) }
        arenaCount += key.count
        if id + 2 > startsCapacity {
            let newCapacity = startsCapacity * 2
            let grownStarts = HugePageMemory.allocateZeroed(Int.self, count: newCapacity)
            grownStarts.update(from: starts, count: id + 1)
            HugePageMemory.deallocate(starts, count: startsCapacity)
            starts = grownStarts
            let grownHashes = HugePageMemory.allocateZeroed(UInt64.self, count: newCapacity)
            grownHashes.update(from: keyHashes, count: id)
            HugePageMemory.deallocate(keyHashes, count: startsCapacity)
            keyHashes = grownHashes
            startsCapacity = newCapacity
        }
        starts[id + 1] = arenaCount
        keyHashes[id] = hash
        slots[2 * slot] = ByteInterner.header(hash: hash, length: key.count) << 32 | UInt64(id + 1)
        slots[2 * slot + 1] = key.count <= 8 ? ByteInterner.inlineWord(key) : 0
        count = id + 1
        if count * 2 > slotMask + 1 { rehash() }
        return Int32(id)
    }

    private func rehash() {
        let oldSlots = slots
        let oldSize = slotMask + 1
        let newSize = oldSize * 2
        slots = HugePageMemory.allocateZeroed(UInt64.self, count: 2 * newSize)
        slotMask = newSize - 1
        for old in 0..<oldSize where oldSlots[2 * old] != 0 {
            let entry = oldSlots[2 * old]
            var slot = Int(truncatingIfNeeded: keyHashes[Int(entry & 0xFFFF_FFFF) - 1]) & slotMask
            while slots[2 * slot] != 0 { slot = (slot + 1) & slotMask }
            slots[2 * slot] = entry
            slots[2 * slot + 1] = oldSlots[2 * old + 1]
        }
        HugePageMemory.deallocate(oldSlots, count: 2 * oldSize)
    }

    /// A fast 64-bit hash of a short byte string (word-at-a-time multiply-mix, murmur finaliser).
    @inline(__always)
    static func hash(_ key: ByteField) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: key.count)
        let raw = UnsafeRawPointer(key.start)
        var offset = 0
        while offset + 8 <= key.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            offset += 8
        }
        if offset < key.count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while offset < key.count {
                word |= UInt64(key.start[offset]) << shift
                shift += 8
                offset += 1
            }
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

@inline(__always)
private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
