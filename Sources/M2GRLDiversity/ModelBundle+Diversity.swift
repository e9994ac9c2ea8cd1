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
