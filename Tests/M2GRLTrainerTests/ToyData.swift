import M2GRLData
@testable import M2GRLTrainer

/// Small synthetic datasets with planted structure.
enum ToyData {
    /// `clusters × size` items (external ids 1…N, item i in cluster (i-1)/size); category = cluster.
    /// Sessions walk randomly inside one cluster. Each user trains on one session and holds out two
    /// other items of the same cluster.
    static func clustered(clusters: Int = 4, size: Int = 8, sessions: Int = 200, length: Int = 8, seed: UInt64 = 7) -> PreparedDataset {
        let n = clusters * size
        var rng = Xoshiro256(seed: seed)
        var seqs = SequenceSet()
        var catSeqs = SequenceSet()
        var counts = [Int64](repeating: 0, count: n + 1)
        var catCounts = [Int64](repeating: 0, count: clusters + 1)
        var pairs: [(item: Int32, attribute: Int32)] = []
        var users: [UserHistory] = []
        for s in 0..<sessions {
            let c = s % clusters
            var seq: [Int32] = []
            while seq.count < length {
                let item = Int32(c * size + rng.below(size) + 1)
                if seq.last != item { seq.append(item) }
            }
            seqs.append(seq)
            catSeqs.append([Int32(c + 1)])
            for i in seq { counts[Int(i)] += 1; pairs.append((i, Int32(c + 1))) }
            catCounts[c + 1] += 1
            if s < 40 {
                let unseen = (1...size).map { Int32(c * size + $0) }.filter { !seq.contains($0) }
                users.append(UserHistory(user: "u\(s)", trainItems: seq, heldOutItems: Array(unseen.prefix(2)), heldOutCount: 2))
            }
        }
        let attr = [Int32(0)] + (0..<n).map { Int32($0 / size + 1) }
        let items = [ItemInfo(id: "", displayName: "")] + (1...n).map { ItemInfo(id: "\($0)", displayName: "item \($0)", attributes: ["category": "c\(($0 - 1) / size)"]) }
        return PreparedDataset(
            views: [
                ViewData(name: "item", vocabulary: [""] + (1...n).map(String.init), counts: counts, sequences: seqs, edges: []),
                ViewData(name: "category", vocabulary: [""] + (0..<clusters).map { "c\($0)" }, counts: catCounts, sequences: catSeqs, edges: []),
            ],
            relations: [ItemRelation(view: "category", attributeOfItem: attr, pairs: pairs)],
            users: users, items: items, source: ["kind": "toy"])
    }

    static func config(_ edit: (inout TrainingConfiguration) -> Void = { _ in }) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.dimension = 16
        c.window = 3
        c.negatives = 5
        c.alignmentNegatives = 3
        c.epochs = 4
        c.threads = 1
        c.batchSize = 256
        c.seed = 42
        c.optimizer = .sgd
        c.learningRate = 0.05
        c.selectBest = false
        edit(&c)
        return c
    }
}

/// A gradient sink that records every gradient row in dictionaries (for finite-difference checks).
final class RecordingSink: GradientSink {
    let d: Int
    var inputs: [[Int: UnsafeMutablePointer<Float>]] = [[:], [:], [:]]
    var outputs: [[Int: UnsafeMutablePointer<Float>]] = [[:], [:], [:]]
    var matrix: UnsafeMutablePointer<Float>

    init(dimension: Int) {
        d = dimension
        matrix = .allocate(capacity: d * d)
        matrix.initialize(repeating: 0, count: d * d)
    }

    private func get(_ dict: inout [Int: UnsafeMutablePointer<Float>], _ row: Int) -> UnsafeMutablePointer<Float> {
        if let p = dict[row] { return p }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: d)
        p.initialize(repeating: 0, count: d)
        dict[row] = p
        return p
    }

    func input(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { get(&inputs[view], row) }
    func output(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { get(&outputs[view], row) }
    func alignment(_ task: Int) -> UnsafeMutablePointer<Float> { matrix }
}
