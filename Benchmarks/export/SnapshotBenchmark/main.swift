// Benchmark helper for snapshot export (see Benchmarks/export/run.sh).
//
//   SnapshotBenchmark generate OUT_DIR COUNT DIMENSION   write a clustered model bundle (one "item" view)
//   SnapshotBenchmark sha256 FILE                        hash a file through a mapping and print MB/s
//   SnapshotBenchmark load SNAPSHOT_DIR [views-only]     load + verify a snapshot; print seconds and peak RSS
//   SnapshotBenchmark ml100k DATA_DIR OUT_DIR            a demo bundle from MovieLens-100K (see below)
import Foundation
import M2GRLCore
import Snapshot

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: SnapshotBenchmark generate OUT COUNT DIM | sha256 FILE | load DIR") }

switch args[1] {
case "generate":
    guard args.count == 5, let n = Int(args[3]), let d = Int(args[4]), n > 0, d > 0 else { fail("generate OUT COUNT DIM") }
    let start = Date()
    // Clustered like trained embeddings: 2,000 random centres, each point a centre plus noise.
    var state: UInt64 = 0x1234_5678
    func next() -> Float {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 24) * 2 - 1
    }
    let clusters = 2000
    let centres = (0..<(clusters * d)).map { _ in next() }
    var values = [Float](repeating: 0, count: n * d)
    for i in 0..<n {
        let c = (Int(state >> 33) ^ i) % clusters
        for j in 0..<d { values[i * d + j] = centres[c * d + j] + 0.35 * next() }
    }
    let ids = (0..<n).map { String($0 + 1) }
    let table = EmbeddingTable(name: "item", kind: .view, dimension: d, ids: ids, values: values)
    let items = (0..<n).map { ItemMetadata(id: ids[$0], displayName: "Item \($0 + 1)", attributes: ["category": "c\($0 % 500)"]) }
    let bundle = ModelBundle(tables: [table], items: items, configuration: ["benchmark": "clustered \(clusters)"],
                             dataWindow: ["source": "synthetic"])
    do { try bundle.write(to: URL(fileURLWithPath: args[2])) } catch { fail("\(error)") }
    print(String(format: "generated %d x %d in %.1f s", n, d, Date().timeIntervalSince(start)))

case "sha256":
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: args[2]), options: .alwaysMapped) else { fail("cannot read \(args[2])") }
    _ = data.withUnsafeBytes { SHA256.hash($0) }  // warm the page cache
    let start = Date(), cpuStart = clock()
    let digest = data.withUnsafeBytes { SHA256.hash($0) }
    let s = Date().timeIntervalSince(start), cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
    print(String(format: "sha256 %@ %.1f MB in %.3f s wall (%.0f MB/s), %.3f s CPU (%.0f MB/s)", digest.hexString,
                 Double(data.count) / 1e6, s, Double(data.count) / 1e6 / s, cpu, Double(data.count) / 1e6 / cpu))

case "load":
    let start = Date()
    let viewsOnly = args.count > 3 && args[3] == "views-only"
    do {
        let snap = try SnapshotLoader(includeItems: !viewsOnly).load(from: URL(fileURLWithPath: args[2]))
        let s = Date().timeIntervalSince(start)
        let vectors = snap.views.values.map(\.count).reduce(0, +)
        let indexBytes = snap.manifest?.views.map(\.index.bytes).reduce(0, +) ?? 0
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kib(_ key: String) -> Double {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
        }
        let peak = kib("VmHWM") * 1024, now = kib("VmRSS") * 1024
        print(String(format: "loaded %@%@: %d views, %d vectors, %d items in %.2f s; peak RSS %.0f MB = %.2f x index files (%.0f MB), RSS after load %.0f MB",
                     snap.version, viewsOnly ? " (views only)" : "", snap.views.count, vectors, snap.items.count, s,
                     peak / 1e6, peak / Double(max(indexBytes, 1)), Double(indexBytes) / 1e6, now / 1e6))
    } catch { fail("\(error)") }

case "phases":
    // Times the parts of a load separately: item metadata, ids + key map, checksum.
    let dir = URL(fileURLWithPath: args[2])
    var t = Date()
    func lap(_ what: String) { print(String(format: "%@: %.2f s", what, Date().timeIntervalSince(t))); t = Date() }
    do {
        let m = try SnapshotLoader.readManifest(in: dir)
        lap("manifest")
        let items = try ItemMetadataFile.read(from: dir.appendingPathComponent(m.items.file))
        lap("items.tsv (\(items.count))")
        for v in m.views {
            let ids = try String(contentsOf: dir.appendingPathComponent(v.ids.file), encoding: .utf8).split(separator: "\n").map(String.init)
            lap("\(v.name) ids split")
            let map = ViewKeyMap(externalIDs: ids)
            lap("\(v.name) key map (\(map.count))")
            let data = try Data(contentsOf: dir.appendingPathComponent(v.index.file), options: .alwaysMapped)
            _ = data.withUnsafeBytes { SHA256.hash($0) }
            lap("\(v.name) sha256")
        }
    } catch { fail("\(error)") }

case "ml100k":
    // A stand-in until the trainer's bundles land: item vectors are a random Gaussian
    // projection (64 dims) of each movie's column of the user × movie matrix of ratings ≥ 3,
    // L2-normalised (item-based co-occurrence). Real data and real titles, so the
    // `m2grl neighbors` output can be judged; not the M2GRL model.
    guard args.count == 4 else { fail("ml100k DATA_DIR OUT_DIR") }
    let dir = URL(fileURLWithPath: args[2])
    guard let inter = try? String(contentsOf: dir.appendingPathComponent("ml-100k.inter"), encoding: .utf8),
          let itemText = try? String(contentsOf: dir.appendingPathComponent("ml-100k.item"), encoding: .isoLatin1) else {
        fail("cannot read ml-100k.inter / ml-100k.item in \(dir.path)")
    }
    let d = 64
    var userVectors: [Int: [Float]] = [:]
    var state: UInt64 = 42
    func gaussian() -> Float {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        let u1 = max(Double(z >> 11) / Double(1 << 53), 1e-12), u2 = Double(z & 0xffff) / 65536
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
    var sums: [String: [Float]] = [:]
    for line in inter.split(separator: "\n").dropFirst() {
        let f = line.split(separator: "\t")
        guard f.count >= 3, let user = Int(f[0]), let rating = Double(f[2]), rating >= 3 else { continue }
        if userVectors[user] == nil { userVectors[user] = (0..<d).map { _ in gaussian() } }
        let u = userVectors[user]!
        var s = sums[String(f[1]), default: [Float](repeating: 0, count: d)]
        for j in 0..<d { s[j] += u[j] }
        sums[String(f[1])] = s
    }
    var ids: [String] = [], values: [Float] = [], items: [ItemMetadata] = []
    for line in itemText.split(separator: "\n").dropFirst() {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 4 else { continue }
        items.append(ItemMetadata(id: f[0], displayName: "\(f[1]) (\(f[2]))", attributes: ["genre": f[3]]))
        guard let s = sums[f[0]] else { continue }
        let norm = max(s.map { $0 * $0 }.reduce(0, +).squareRoot(), 1e-6)
        ids.append(f[0])
        values.append(contentsOf: s.map { $0 / norm })
    }
    let bundle = ModelBundle(tables: [EmbeddingTable(name: "item", dimension: d, ids: ids, values: values)], items: items,
                             configuration: ["model": "demo: random projection of item co-occurrence (not M2GRL)"],
                             dataWindow: ["source": "ml-100k", "ratings": ">= 3"])
    do { try bundle.write(to: URL(fileURLWithPath: args[3])) } catch { fail("\(error)") }
    print("wrote \(ids.count) item vectors and \(items.count) items to \(args[3])")

default:
    fail("unknown mode \(args[1])")
}
