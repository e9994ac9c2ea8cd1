// Read time of a large .f32 table with the validating reader, and what its checks cost.
//
//   swift build -c release --product embedding-read-bench
//   .build/release/embedding-read-bench [ROWS] [DIM] [REPEATS]     (default 2000000 128 3)
//
// Writes a random ROWS×DIM table to a temporary .f32 file, then times per repeat (best of REPEATS):
// - `EmbeddingFileFormat.read` (the reader: header checks, ids with duplicate check, finiteness scan);
// - the finiteness scan alone over the same floats (`FiniteScan.firstNonFinite`), and the duplicate-id
//   check alone (a Set of the ids);
// - the reader as it was before the checks (a copy kept here: whole file to [UInt8], floats
//   copied, ids split as Characters), for before/after.
import Foundation
import M2GRLCore

let args = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rows = args.count > 0 ? args[0] : 2_000_000
let dim = args.count > 1 ? args[1] : 128
let repeats = args.count > 2 ? args[2] : 3

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
}

/// The pre-check reader (main at 48fd557), for comparison.
func legacyRead(_ url: URL) throws -> EmbeddingTable {
    let data = try Data(contentsOf: url, options: .mappedIfSafe)
    let bytes = [UInt8](data)
    func u32(_ o: Int) -> UInt32 { UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24 }
    let n = Int(u32(8)), d = Int(u32(12))
    let floatBytes = n * d * 4
    var values = [Float](repeating: 0, count: n * d)
    values.withUnsafeMutableBytes { dst in
        bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[16..<(16 + floatBytes)])) }
    }
    let text = String(validating: bytes[(16 + floatBytes)...], as: UTF8.self)!
    var ids = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    ids.removeLast()
    return EmbeddingTable(name: "item", dimension: d, ids: ids, values: values)
}

var rng = SplitMix64(seed: 42)
var values = [Float](repeating: 0, count: rows * dim)
for i in values.indices { values[i] = Float.random(in: -1...1, using: &rng) }
let table = EmbeddingTable(name: "item", dimension: dim, ids: (0..<rows).map { String(1_000_000 + $0) }, values: values)
let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-read-bench-\(getpid()).f32")
defer { try? FileManager.default.removeItem(at: url) }
try EmbeddingFileFormat.write(table, to: url)
let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
print("table \(rows)×\(dim), file \(String(format: "%.1f", Double(size) / 1_048_576)) MiB, best of \(repeats)")

var best = (read: Double.infinity, scan: Double.infinity, legacy: Double.infinity, ids: Double.infinity)
for _ in 0..<repeats {
    var t: EmbeddingTable?
    best.read = min(best.read, try seconds { t = try EmbeddingFileFormat.read(from: url, name: "item") })
    if t != table {
        print("MISMATCH ids equal: \(t?.ids == table.ids), dim \(t?.dimension ?? -1), values count \(t?.values.count ?? -1)")
        if let t { for i in t.values.indices where t.values[i] != table.values[i] { print("first diff at \(i): \(t.values[i]) vs \(table.values[i])"); break } }
        exit(1)
    }
    t = nil
    var found: Int? = 0
    best.scan = min(best.scan, seconds { found = values.withUnsafeBufferPointer { FiniteScan.firstNonFinite($0) } })
    precondition(found == nil)
    var unique = 0
    best.ids = min(best.ids, seconds { var seen = Set<String>(minimumCapacity: rows); for id in table.ids { if seen.insert(id).inserted { unique += 1 } } })
    precondition(unique == rows)
    best.legacy = min(best.legacy, try seconds { t = try legacyRead(url) })
    precondition(t?.count == rows)
}
let gb = Double(rows * dim * 4) / 1e9
print(String(format: "validating reader  %.3f s", best.read))
print(String(format: "  finiteness scan  %.4f s (%.1f GB/s, %.1f%% of the read)", best.scan, gb / best.scan, 100 * best.scan / best.read))
print(String(format: "  duplicate-id set %.3f s (%.1f%% of the read)", best.ids, 100 * best.ids / best.read))
print(String(format: "reader before      %.3f s (no finiteness, duplicate or size checks)", best.legacy))
