import M2GRLCore
import VectorIndex

/// One search hit, resolved to its external id and (when known) item metadata.
public struct Neighbor: Sendable, Equatable {
    public var externalID: String
    public var key: Int64
    public var score: Float
    /// Metadata when the id is an item id.
    public var item: ItemMetadata?
}

extension LoadedSnapshot {
    /// The `k` nearest neighbours (largest inner product) of a stored vector, excluding itself,
    /// searched with the view's recorded parameters.
    public func neighbors(view viewName: String, externalID: String, k: Int) throws(SnapshotError) -> [Neighbor] {
        guard let view = view(named: viewName) else {
            throw SnapshotError(.notFound, "no view '\(viewName)' in snapshot \(version) (views: \(viewNames.joined(separator: ", ")))")
        }
        guard k > 0 else { throw SnapshotError(.invalidConfiguration, "k must be positive, got \(k)") }
        guard let key = view.keyMap.key(forExternalID: externalID) else {
            throw SnapshotError(.notFound, "view \(viewName) has no id '\(externalID)'")
        }
        do {
            let query = try view.index.reconstruct(id: key)
            let result = try view.index.search(query, k: k + 1, parameters: view.searchParameters)
            return result.neighbors(ofQuery: 0).lazy.filter { $0.id != key }.prefix(k).compactMap { hit in
                guard let id = view.keyMap.externalID(forKey: hit.id) else { return nil }
                return Neighbor(externalID: id, key: hit.id, score: hit.score, item: item(externalID: id))
            }
        } catch {
            throw SnapshotError(.index, "view \(viewName): \(error.message)")
        }
    }

    /// The `k` nearest neighbours of an arbitrary query vector in a view.
    public func search(view viewName: String, vector: [Float], k: Int) throws(SnapshotError) -> [Neighbor] {
        guard let view = view(named: viewName) else { throw SnapshotError(.notFound, "no view '\(viewName)' in snapshot \(version)") }
        guard vector.count == view.dimension else {
            throw SnapshotError(.inconsistent, "query has \(vector.count) values, view \(viewName) has dimension \(view.dimension)")
        }
        do {
            let result = try view.index.search(vector, k: k, parameters: view.searchParameters)
            return result.neighbors(ofQuery: 0).compactMap { hit in
                guard let id = view.keyMap.externalID(forKey: hit.id) else { return nil }
                return Neighbor(externalID: id, key: hit.id, score: hit.score, item: item(externalID: id))
            }
        } catch {
            throw SnapshotError(.index, "view \(viewName): \(error.message)")
        }
    }
}
