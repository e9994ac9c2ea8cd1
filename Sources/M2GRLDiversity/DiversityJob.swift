import Foundation
import M2GRLCore
import M2GRLData

/// `m2grl train-diversity` as a library call: read a model bundle and a prepared dataset,
/// train the metric model, attach it to the bundle and write the bundle back.
public enum DiversityJob {
    /// What to do.
    public struct Options: Sendable {
        /// The model bundle directory (read, and written back unless `output` is set).
        public var model: URL
        /// A prepared dataset directory (one split, e.g. runs/ml100k/valid).
        public var dataset: URL
        /// Where to write the extended bundle (nil = `model`).
        public var output: URL?
        /// The JSON-lines training log (nil = none).
        public var log: URL?
        public var configuration: DiversityConfiguration
        /// Print a progress line on stderr.
        public var progress: Bool
        /// Evaluate on the dataset's users at this K after training (nil = no evaluation).
        public var evaluationK: Int?
        /// Weights evaluated (each against the item inner-product baseline).
        public var evaluationWeights: [DiversityWeights]

        public init(model: URL, dataset: URL, configuration: DiversityConfiguration = DiversityConfiguration()) {
            self.model = model
            self.dataset = dataset
            self.configuration = configuration
            progress = false
            evaluationWeights = [DiversityWeights(), DiversityWeights(item: 1, relational: 0), DiversityWeights(item: 1, relational: -1)]
        }
    }

    /// What happened.
    public struct Summary: Sendable {
        public var result: DiversityTrainingResult
        /// Items with vectors among the dataset's items / all dataset items.
        public var itemsWithVectors: Int
        public var datasetItems: Int
        /// Rows exported in the `diversity` table.
        public var exportedRows: Int
        /// (label, report) per evaluated ranking, the item inner-product baseline first.
        public var evaluation: [(label: String, report: DiversityEvaluation.Report)]
        /// Where the bundle was written.
        public var written: URL
    }

    /// Runs the job; `shouldStop` (e.g. set by SIGINT) ends training early with the best model so far,
    /// which is still written.
    public static func run(_ options: Options, shouldStop: @Sendable () -> Bool = { false }) throws -> Summary {
        let cfg = options.configuration
        try cfg.validate()
        try checkOutput(options)
        var bundle = try ModelBundle.read(from: options.model)
        let dataset = try PreparedDataset.read(from: options.dataset)
        let (itemTable, alignment) = try bundle.diversityInputs(cfg)
        guard let relation = dataset.relations.first(where: { $0.view == cfg.relation }) else {
            throw DiversityError(.missing, "dataset has no item → \(cfg.relation) relation (has: \(dataset.relations.map(\.view).joined(separator: ", ")))")
        }

        // Training rows follow the dataset's item dense ids; row 0 is the reserved placeholder.
        let vocabulary = dataset.itemView.vocabulary
        let training = try withoutPlaceholder(DiversityFeatures(itemTable: itemTable, alignment: alignment, rowIDs: vocabulary,
                                                                       normalizeItems: cfg.normalizeItems))
        let withVectors = training.available.filter { $0 }.count
        guard withVectors >= 2 else {
            throw DiversityError(.noData, "only \(withVectors) of the dataset's \(vocabulary.count - 1) items have a vector in table '\(cfg.itemTable)': is this the model trained on this dataset?")
        }
        let sampler = try PairSampler(sessions: dataset.itemView.sequences, categoryOfItem: relation.attributeOfItem,
                                      available: training.available, window: cfg.window, deduplicate: cfg.deduplicate)
        let writer = try options.log.map { try TrainingLogWriter(url: $0) }
        let result = try DiversityTrainer(configuration: cfg).train(
            features: training, sampler: sampler, alignment: alignment, progress: options.progress,
            shouldStop: shouldStop, onEpoch: { try writer?.append($0) })

        // Exported rows: every item of the bundle (the server serves the bundle's items).
        // (The dataset's placeholder name is not an item: a table row under that name is padding.)
        var exportIDs = itemTable.ids
        if let placeholder = vocabulary.first { exportIDs.removeAll { $0 == placeholder } }
        let exported = try DiversityFeatures(itemTable: itemTable, alignment: alignment, rowIDs: exportIDs,
                                             normalizeItems: cfg.normalizeItems)
        try bundle.attachDiversity(result.model, features: exported)
        for (k, v) in cfg.flattened { bundle.configuration[k] = v }
        bundle.configuration["diversity.best_epoch"] = "\(result.bestEpoch)"
        bundle.configuration["diversity.positive_pairs"] = "\(result.positivePairs)"
        if let best = result.history.first(where: { $0.epoch == result.bestEpoch })?.validation {
            if best.loss.isFinite { bundle.metrics["diversity.heldout.loss"] = best.loss }
            if best.auc.isFinite { bundle.metrics["diversity.heldout.auc"] = best.auc }
        }

        var evaluation: [(String, DiversityEvaluation.Report)] = []
        if let k = options.evaluationK {
            // The baseline ranks by the raw item vectors, whatever the metric's input normalisation.
            let raw = cfg.normalizeItems
                ? try withoutPlaceholder(DiversityFeatures(itemTable: itemTable, alignment: alignment, rowIDs: vocabulary)) : training
            evaluation.append(("item inner product",
                               try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: relation.attributeOfItem, k: k,
                                                                retrieve: DiversityEvaluation.itemInnerProductRetrieval(raw))))
            let ranking = try WeightedDistanceRanking(model: result.model, features: training)
            for w in options.evaluationWeights {
                let report = try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: relation.attributeOfItem, k: k,
                                                              retrieve: DiversityEvaluation.metricRetrieval(ranking, weights: w))
                evaluation.append(("metric w_i=\(w.item) w_ic=\(w.relational)", report))
                let tag = "diversity.eval.w\(w.item)_\(w.relational)"
                bundle.metrics["\(tag).recall@\(k)"] = report.recall.mean
                bundle.metrics["\(tag).discovery_recall@\(k)"] = report.discoveryRecall.mean
                bundle.metrics["\(tag).new_category_share@\(k)"] = report.newCategoryShare.mean
            }
        }
        let target = options.output ?? options.model
        try BundleReplacement.write(bundle, to: target)
        return Summary(result: result, itemsWithVectors: withVectors, datasetItems: vocabulary.count - 1,
                       exportedRows: exported.availableRows.count, evaluation: evaluation, written: target)
    }

    /// Checks, before any work, that the bundle can be written where it goes. A separate `output`
    /// is created; the model directory itself is not (a mistyped `model` must not leave an empty
    /// directory behind; reading the bundle reports it).
    static func checkOutput(_ options: Options) throws {
        let target = options.output ?? options.model
        if let problem = OutputPathCheck.prepare(target, create: options.output != nil) {
            throw DiversityError(.io, "output \(problem)")
        }
    }

    /// The same features with row 0 (the dataset's reserved id) marked unavailable.
    static func withoutPlaceholder(_ f: DiversityFeatures) throws -> DiversityFeatures {
        guard f.count > 0 else { return f }
        var available = f.available
        available[0] = false
        return try DiversityFeatures(ids: f.ids, itemDimension: f.itemDimension, item: f.item,
                                     relationalDimension: f.relationalDimension, relational: f.relational, available: available)
    }
}
