import M2GRLCore
import M2GRLData

/// `m2grl evaluate --diverse`: the "Diversity" figures of EVALUATION.md (via `DiversityEvaluation`)
/// for plain item-view retrieval and for DIVERSE rankings, on one prepared split.
///
/// A DIVERSE setting ranks exactly as the server does for a request with trigger = the user's last
/// train item, the setting's weights, and (optionally) the categories of the user's last `R` train
/// items excluded: by `w_i·d_i + w_ic·d_ic` (`WeightedDistanceRanking`, the brute-force twin of the
/// server's inner-product search, checked equal by the serving tests). The user's train items are
/// left out as in every offline evaluation.
public enum DiverseRetrievalEvaluation {
    /// One ranking to evaluate.
    public struct Setting: Sendable, Equatable, CustomStringConvertible {
        /// DIVERSE weights; nil = plain item-view inner product (M2GRL's `item` table).
        public var weights: DiversityWeights?
        /// Exclude the categories of the user's last `excludeRecentCategories` train items (0 = none).
        public var excludeRecentCategories: Int

        public init(weights: DiversityWeights?, excludeRecentCategories: Int = 0) {
            self.weights = weights
            self.excludeRecentCategories = excludeRecentCategories
        }

        public var description: String {
            var label = weights.map { "DIVERSE w_i=\(Self.format($0.item)) w_ic=\(Self.format($0.relational))" } ?? "item view (plain)"
            if excludeRecentCategories > 0 { label += ", excl. last \(excludeRecentCategories) categories" }
            return label
        }

        private static func format(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
    }

    /// The settings reported by default: plain and DIVERSE at (1, 1) and (1, −1), each without and
    /// with the recent-category exclusion.
    public static func defaultSettings(weights: [DiversityWeights] = [DiversityWeights(item: 1, relational: 1),
                                                                       DiversityWeights(item: 1, relational: -1)],
                                       recentCategories: Int = 5) -> [Setting] {
        var settings = [Setting(weights: nil)] + weights.map { Setting(weights: $0) }
        if recentCategories > 0 {
            settings += [Setting(weights: nil, excludeRecentCategories: recentCategories)]
            settings += weights.map { Setting(weights: $0, excludeRecentCategories: recentCategories) }
        }
        return settings
    }

    /// Evaluates every setting; `progress` is called with each finished setting.
    public static func run(bundle: ModelBundle, dataset: PreparedDataset, k: Int, settings: [Setting],
                           progress: (Setting, DiversityEvaluation.Report) -> Void = { _, _ in }) throws
        -> [(setting: Setting, report: DiversityEvaluation.Report)] {
        guard let model = try bundle.diversityModel() else {
            throw DiversityError(.missing, "the bundle has no diversity model (\(DiversityMetricModel.attachmentName)): run `m2grl train-diversity` first")
        }
        guard let items = bundle.table(named: model.itemTable) else {
            throw DiversityError(.missing, "the bundle has no table '\(model.itemTable)'")
        }
        guard let relation = dataset.relations.first(where: { $0.view == model.relation }) else {
            throw DiversityError(.missing, "dataset has no item → \(model.relation) relation")
        }
        let vocabulary = dataset.itemView.vocabulary
        let metricFeatures = try DiversityJob.withoutPlaceholder(
            DiversityFeatures(itemTable: items, alignment: model.alignment, rowIDs: vocabulary, normalizeItems: model.normalizesItems))
        let rawFeatures = model.normalizesItems
            ? try DiversityJob.withoutPlaceholder(DiversityFeatures(itemTable: items, alignment: model.alignment, rowIDs: vocabulary))
            : metricFeatures
        guard metricFeatures.availableRows.count >= 2 else {
            throw DiversityError(.noData, "the bundle's item table covers \(metricFeatures.availableRows.count) of the dataset's items: is it the model trained on this split?")
        }
        let ranking = try WeightedDistanceRanking(model: model, features: metricFeatures)
        let categories = relation.attributeOfItem
        let plain = DiversityEvaluation.itemInnerProductRetrieval(rawFeatures)
        var out: [(setting: Setting, report: DiversityEvaluation.Report)] = []
        for setting in settings {
            let report = try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: categories, k: k) { user, trigger, count in
                let excluded = Self.recentCategories(of: user, last: setting.excludeRecentCategories, categoryOfItem: categories)
                // With exclusions, rank everything and filter (what the server's refill converges to).
                let fetch = excluded.isEmpty ? count : metricFeatures.count
                let ranked: [Int32]
                if let weights = setting.weights {
                    ranked = try DiversityEvaluation.metricRetrieval(ranking, weights: weights)(trigger, fetch)
                } else {
                    ranked = try plain(trigger, fetch)
                }
                guard !excluded.isEmpty else { return ranked }
                return ranked.filter { item in
                    let c = Int(item) < categories.count ? categories[Int(item)] : 0
                    return c == 0 || !excluded.contains(c)
                }
            }
            progress(setting, report)
            out.append((setting, report))
        }
        return out
    }

    /// Known categories (≠ 0) of the user's last `last` train items.
    static func recentCategories(of user: UserHistory, last: Int, categoryOfItem: [Int32]) -> Set<Int32> {
        guard last > 0 else { return [] }
        var set = Set<Int32>()
        for item in user.trainItems.suffix(last) where Int(item) < categoryOfItem.count && categoryOfItem[Int(item)] != 0 {
            set.insert(categoryOfItem[Int(item)])
        }
        return set
    }
}
