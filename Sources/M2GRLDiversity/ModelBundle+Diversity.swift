import Foundation
import M2GRLCore

extension ModelBundle {
    /// The frozen inputs of the metric model: the item table and the alignment matrix `W`.
    public func diversityInputs(_ configuration: DiversityConfiguration) throws -> (items: EmbeddingTable, alignment: ProjectionMatrix) {
        guard let items = table(named: configuration.itemTable) else {
            throw DiversityError(.missing, "model has no table '\(configuration.itemTable)' (has: \(tables.map(\.name).joined(separator: ", ")))")
        }
        let wName = configuration.resolvedAlignmentTable
        guard let w = table(named: wName) else {
            throw DiversityError(.missing, "model has no alignment table '\(wName)' (has: \(tables.map(\.name).joined(separator: ", ")))")
        }
        guard w.dimension == items.dimension else {
            throw DiversityError(.invalidInput, "alignment table '\(wName)' has rows of \(w.dimension), item vectors have \(items.dimension)")
        }
        return (items, try ProjectionMatrix(rows: w.count, columns: w.dimension, values: w.values))
    }

    /// Adds (or replaces) the metric tables `diversity` and `diversity.query` computed for
    /// `features`, and the serialised model as the attachment `diversity.json`.
    public mutating func attachDiversity(_ model: DiversityMetricModel, features: DiversityFeatures) throws {
        let stored = try model.storedVectors(for: features)
        let query = try model.queryTable(for: features)
        tables.removeAll { $0.name == DiversityMetricModel.storedTableName || $0.name == DiversityMetricModel.queryTableName }
        tables.append(stored)
        tables.append(query)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        attachments[DiversityMetricModel.attachmentName] = try encoder.encode(model)
    }

    /// The metric model stored in `diversity.json`, or nil when the bundle has none.
    public func diversityModel() throws -> DiversityMetricModel? {
        guard let data = attachments[DiversityMetricModel.attachmentName] else { return nil }
        do {
            return try JSONDecoder().decode(DiversityMetricModel.self, from: data)
        } catch let e as DiversityError {
            throw e
        } catch {
            throw DiversityError(.format, "\(DiversityMetricModel.attachmentName): \(error)")
        }
    }
}

extension ModelBundle {
    /// Checks that the bundle's diversity parts fit together before they are exported: the
    /// attachment decodes, and the `diversity` (2p + 2) and `diversity.query` (2p) tables have the
    /// model's dimensions. A bundle with metric tables but no model, or the reverse, is refused
    /// (a server would answer every DIVERSE request with `model_unavailable`). No-op without either.
    public func validateDiversity() throws {
        let stored = table(named: DiversityMetricModel.storedTableName)
        let query = table(named: DiversityMetricModel.queryTableName)
        guard let model = try diversityModel() else {
            if stored != nil || query != nil {
                throw DiversityError(.missing, "the bundle has diversity tables but no \(DiversityMetricModel.attachmentName); run m2grl train-diversity again")
            }
            return
        }
        let p = model.projectionDimension
        guard let stored, let query else {
            throw DiversityError(.missing, "the bundle has \(DiversityMetricModel.attachmentName) but not both tables '\(DiversityMetricModel.storedTableName)' and '\(DiversityMetricModel.queryTableName)'")
        }
        guard stored.dimension == 2 * p + 2, query.dimension == 2 * p else {
            throw DiversityError(.invalidInput, "diversity tables have dimensions \(stored.dimension) and \(query.dimension); the model (p = \(p)) needs \(2 * p + 2) and \(2 * p)")
        }
        guard stored.ids == query.ids else {
            throw DiversityError(.invalidInput, "tables '\(DiversityMetricModel.storedTableName)' and '\(DiversityMetricModel.queryTableName)' list different items")
        }
    }
}
