// Diversity metric model on a real prepared dataset: training throughput (1 and 2 threads),
// exactness of inner-product serving against the brute-force weighted-distance ranking, and the
// EVALUATION.md "Diversity" figures. Run in release:
//   swift run -c release diversity-bench [DATASET_DIR] [MODEL_DIR] [EPOCHS] [CONFIG_TOML]
// DATASET_DIR defaults to runs/ml100k/test (`m2grl prepare --movielens data/ml-100k --out runs/ml100k`).
// Without MODEL_DIR (a trained bundle with tables `item` and `W.category`), a stand-in bundle is
// built: item vectors = random projection (d = 64) of log(1 + session co-occurrence counts),
// W = Gaussian / √d. Throughput and exactness do not depend on where the vectors come from.
import Foundation
import M2GRLCore
import M2GRLData
import M2GRLDiversity

let args = CommandLine.arguments
let datasetURL = URL(fileURLWithPath: args.count > 1 ? args[1] : "runs/ml100k/test")
let modelArg = args.count > 2 && !args[2].isEmpty ? args[2] : nil
let epochs = args.count > 3 ? Int(args[3]) ?? 3 : 3
let baseConfig = try args.count > 4
    ? DiversityConfiguration(toml: TOMLDocument(parsing: String(contentsOfFile: args[4], encoding: .utf8), source: args[4]))
    : DiversityConfiguration()
let work = URL(fileURLWithPath: "runs/diversity-bench")

func standInBundle(_ ds: PreparedDataset, d: Int = 64) throws -> ModelBundle {
    let n = ds.itemView.nodeCount
    var rng = SeededGenerator(seed: 5)
    var co = [[Int32: Float]](repeating: [:], count: n)
    let seqs = ds.itemView.sequences
    for s in 0..<seqs.count {
        let seq = Array(seqs[s])
        for i in seq.indices { for j in (i + 1)..<min(i + 4, seq.count) where seq[i] != seq[j] {
            co[Int(seq[i])][seq[j], default: 0] += 1
            co[Int(seq[j])][seq[i], default: 0] += 1
        } }
    }
    let projection = (0..<(n * d)).map { _ in Float(rng.nextGaussian() / Double(d).squareRoot()) }
    var values = [Float](repeating: 0, count: (n - 1) * d)
    for i in 1..<n { for (j, c) in co[i] { let w = log(1 + c); for k in 0..<d { values[(i - 1) * d + k] += w * projection[Int(j) * d + k] } } }
    let w = try ProjectionMatrix.gaussian(rows: d, columns: d, scale: 1, using: &rng)
    let ids = Array(ds.itemView.vocabulary.dropFirst())
    return ModelBundle(tables: [EmbeddingTable(name: "item", kind: .view, dimension: d, ids: ids, values: values),
                                EmbeddingTable(name: "W.category", kind: .relational, dimension: d, ids: (0..<d).map(String.init), values: w.values)],
                       items: ids.map { ItemMetadata(id: $0, displayName: $0) })
}

let dataset = try PreparedDataset.read(from: datasetURL)
let modelURL = work.appendingPathComponent("model")
if let modelArg {
    try? FileManager.default.removeItem(at: modelURL)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: URL(fileURLWithPath: modelArg), to: modelURL)
} else {
    try standInBundle(dataset).write(to: modelURL)
}
print("dataset \(datasetURL.path): \(dataset.itemView.nodeCount - 1) items, \(dataset.users.count) users; model \(modelArg ?? "stand-in (co-occurrence random projection)")")

for threads in [1, 2] {
    var cfg = baseConfig
    cfg.epochs = epochs
    cfg.threads = threads
    cfg.patience = 0
    var options = DiversityJob.Options(model: modelURL, dataset: datasetURL, configuration: cfg)
    options.evaluationK = threads == 1 ? 50 : nil
    options.log = work.appendingPathComponent("train-\(threads).jsonl")
    let s = try DiversityJob.run(options)
    let trained = s.result.history.dropFirst()
    let pairs = trained.reduce(0) { $0 + $1.pairs }, secs = trained.reduce(0) { $0 + $1.seconds }
    print("threads \(threads): \(s.result.positivePairs) positive pairs, \(pairs) pairs in \(String(format: "%.2f", secs)) s = \(Int(Double(pairs) / secs)) pairs/s (p = d = 64)")
    for r in s.result.history {
        let v = r.validation
        print(String(format: "  epoch %d  train %.4f  held-out loss %.4f  AUC %.4f  d(pos) %.3f  d(neg) %.3f",
                     r.epoch, r.trainLoss ?? .nan, v?.loss ?? .nan, v?.auc ?? .nan, v?.meanPositiveDistance ?? .nan, v?.meanNegativeDistance ?? .nan))
    }
    for (label, r) in s.evaluation {
        print("  \(label) @50: recall \(r.recall), discovery recall \(r.discoveryRecall), new-category share \(r.newCategoryShare), hit rate \(r.hitRate)")
    }
}

// Serving exactness: max inner product over `diversity` vs the brute-force weighted ranking.
let bundle = try ModelBundle.read(from: modelURL)
let model = try bundle.diversityModel()!
let stored = bundle.table(named: DiversityMetricModel.storedTableName)!
let queryTable = bundle.table(named: DiversityMetricModel.queryTableName)!
let features = try DiversityFeatures(itemTable: bundle.table(named: "item")!, alignment: model.alignment, rowIDs: stored.ids,
                                     normalizeItems: model.normalizesItems)
let reference = try WeightedDistanceRanking(model: model, features: features)
var same = 0, total = 0, nearTies = 0, mismatches = 0
var rng = SeededGenerator(seed: 9)
let clock = ContinuousClock()
var serveTime = Duration.zero
for weights in [DiversityWeights(), DiversityWeights(item: 1, relational: -1), DiversityWeights(item: 0.5, relational: 2)] {
    for _ in 0..<200 {
        let a = Int.random(in: 0..<stored.count, using: &rng)
        let start = clock.now
        let q = try DiversityMetricModel.queryVector(fromProjected: queryTable.row(a), weights: weights)
        let served = try BruteForceInnerProduct.search(q, in: stored.values, dimension: stored.dimension, k: 50, excluding: [a])
        serveTime += clock.now - start
        let ref = try reference.rank(a, weights: weights, k: 50)
        for (s, r) in zip(served, ref) {
            total += 1
            if s.row == r.row { same += 1; continue }
            let (di, dic) = try reference.distances(a, s.row)
            if abs(weights.combine(item: di, relational: dic) - r.weighted) <= 1e-4 * max(1, abs(r.weighted)) { nearTies += 1 } else { mismatches += 1 }
        }
    }
}
print("serving exactness (600 queries, top-50): \(same)/\(total) identical ids, \(nearTies) near-tie swaps, \(mismatches) real mismatches")
print(String(format: "brute-force inner-product query over %d × %d: %.3f ms", stored.count, stored.dimension,
             Double(serveTime.components.attoseconds) / 1e15 / 600 + Double(serveTime.components.seconds) * 1000 / 600))
