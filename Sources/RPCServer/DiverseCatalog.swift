import Foundation
import M2GRLDiversity
import Snapshot
import WireProtocol

/// What a snapshot offers DIVERSE requests, prepared once when the snapshot is installed (never per
/// request): the two diversity views and the category of every row of the `diversity` view.
///
/// Built from the snapshot's `diversity` view (stored vectors `z_b`, dimension 2p + 2),
/// `diversity.query` view (`[L_i e_i ; L_ic e_ic]`, dimension 2p; by-key lookup = Faiss
/// `reconstruct`) and `diversity.json` attachment (the model: its `relation` names the item
/// attribute holding the category). Without them, `unavailable` says why and DIVERSE answers
/// `model_unavailable`.
struct DiverseCatalog: Sendable {
    /// The view searched: stored vectors `z_b`.
    let stored: ServedView
    /// The view whose rows become query vectors.
    let query: ServedView
    /// Projection dimension p.
    let projectionDimension: Int
    /// Category id per row of `stored` (`-1` = no category).
    let categoryOfRow: [Int32]
    /// Category names by id.
    let categoryNames: [String]
    /// Category ids by name.
    let categoryIDs: [String: Int32]
    /// The item attribute the categories come from (the model's `relation`).
    let attribute: String

    /// The catalogue of `snapshot`, or the reason it has none.
    static func prepare(_ snapshot: LoadedSnapshot) -> Result<DiverseCatalog, WireProtocolError> {
        func unavailable(_ why: String) -> Result<DiverseCatalog, WireProtocolError> {
            .failure(WireProtocolError(.modelUnavailable, "snapshot \(snapshot.version) has no diversity model: \(why)"))
        }
        let storedName = DiversityMetricModel.storedTableName, queryName = DiversityMetricModel.queryTableName
        guard let stored = snapshot.view(named: storedName) else { return unavailable("no '\(storedName)' view") }
        guard let query = snapshot.view(named: queryName) else { return unavailable("no '\(queryName)' view") }
        guard let data = snapshot.attachments[DiversityMetricModel.attachmentName] else {
            return unavailable("no \(DiversityMetricModel.attachmentName) attachment")
        }
        let model: DiversityMetricModel
        do { model = try JSONDecoder().decode(DiversityMetricModel.self, from: data) } catch {
            return unavailable("\(DiversityMetricModel.attachmentName) does not decode: \(error)")
        }
        let p = model.projectionDimension
        guard stored.dimension == 2 * p + 2, query.dimension == 2 * p else {
            return unavailable("dimensions \(stored.dimension) and \(query.dimension) do not fit p = \(p)")
        }
        var names: [String] = [], ids: [String: Int32] = [:]
        var categoryOfRow = [Int32](repeating: -1, count: stored.count)
        for (row, external) in stored.keyMap.externalIDs.enumerated() {
            guard let category = snapshot.item(externalID: external)?.attributes[model.relation], !category.isEmpty else { continue }
            if let id = ids[category] {
                categoryOfRow[row] = id
            } else {
                let id = Int32(names.count)
                ids[category] = id
                names.append(category)
                categoryOfRow[row] = id
            }
        }
        return .success(DiverseCatalog(stored: stored, query: query, projectionDimension: p, categoryOfRow: categoryOfRow,
                                       categoryNames: names, categoryIDs: ids, attribute: model.relation))
    }

    /// The category name of a `stored` row ("" when unknown).
    func category(ofRow row: Int) -> String {
        let id = categoryOfRow[row]
        return id >= 0 ? categoryNames[Int(id)] : ""
    }
}
