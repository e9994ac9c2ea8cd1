import ArgumentParser
import Foundation
import M2GRLCore
import M2GRLData
import M2GRLDiversity
import M2GRLTrainer

extension EvaluateCommand {
    /// `m2grl evaluate --diverse`: a table of new-category share, discovery recall and Recall@K per
    /// setting (plain item view, DIVERSE weights, with/without recent-category exclusion), plus the
    /// trainer's evaluator on the item table as a cross-check of plain Recall@K.
    func runDiverse(_ dataset: PreparedDataset) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--diverse needs a bundle directory with a diversity model, got \(model)")
        }
        let bundle = try ModelBundle.read(from: URL(fileURLWithPath: model))
        let weights = try diverseWeights.isEmpty
            ? [DiversityWeights(item: 1, relational: 1), DiversityWeights(item: 1, relational: -1)]
            : diverseWeights.map(Self.parseWeights)
        let settings = DiverseRetrievalEvaluation.defaultSettings(weights: weights, recentCategories: recentCategories)
        print("K = \(k) · dataset \(data) · model \(model)")
        if let table = bundle.table(named: "item") {
            let report = try RetrievalEvaluator(dataset: dataset, k: k, triggers: 1).evaluate(table: table)
            print("trainer evaluator, item table: \(report.summary)")
        }
        print(Self.row("ranking", "new-category share", "discovery recall", "Recall@\(k)", "HitRate@\(k)"))
        let started = Date()
        let rows = try DiverseRetrievalEvaluation.run(bundle: bundle, dataset: dataset, k: k, settings: settings) { setting, report in
            print(Self.row(setting.description, Self.cell(report.newCategoryShare), Self.cell(report.discoveryRecall),
                           Self.cell(report.recall), Self.cell(report.hitRate)))
            FileHandle.standardError.write(Data(String(format: "evaluated %@ (%.1f s)\n", setting.description,
                                                       Date().timeIntervalSince(started)).utf8))
        }
        if let first = rows.first?.report {
            print("mean ± standard error over users: \(first.recall.users) users with held-out items; discovery recall over the "
                  + "\(first.discoveryRecall.users) with held-out items in categories new to them")
        }
    }

    static func parseWeights(_ text: String) throws -> DiversityWeights {
        let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let wi = parts[0], let wic = parts[1], wi.isFinite, wic.isFinite else {
            throw ValidationError("--diverse-weights takes two finite numbers w_i,w_ic, got '\(text)'")
        }
        return DiversityWeights(item: wi, relational: wic)
    }

    static func cell(_ metric: DiversityEvaluation.Metric) -> String {
        String(format: "%5.1f %% ± %.1f", metric.mean * 100, metric.standardError * 100)
    }

    static func row(_ columns: String...) -> String {
        let widths = [52, 20, 20, 20, 20]
        return zip(columns, widths).map { text, width in
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }.joined(separator: " ")
    }
}
