import Foundation

/// The diversity metric model (paper §6.1): two learned factors `L_i` (p × d_i) and
/// `L_ic` (p × d_ic) defining
///
///     d_i(a, b)  = ||L_i (e_i^a − e_i^b)||²        (M_i  = L_iᵀL_i, PSD by construction)
///     d_ic(a, b) = ||L_ic(e_ic^a − e_ic^b)||²      (M_ic = L_icᵀL_ic)
///
/// over frozen M2GRL inputs: the item vector `e_i` and `e_ic = σ(W·e_i)`, where `W` is the
/// item–attribute alignment matrix of the `relation` task, carried in the model so a server
/// can rebuild everything from an item vector alone.
public struct DiversityMetricModel: Sendable, Equatable, Codable {
    /// Serialised format version written and accepted.
    public static let formatVersion = 1

    /// `L_i`, p × d_i.
    public internal(set) var itemFactor: ProjectionMatrix
    /// `L_ic`, p × d_ic.
    public internal(set) var relationalFactor: ProjectionMatrix
    /// The frozen alignment matrix `W` (d_ic × d_i) giving `e_ic = σ(W·e_i)`.
    public let alignment: ProjectionMatrix
    /// Contrastive margin `m`.
    public let margin: Double
    /// Name of the attribute view of the relational input ("category").
    public let relation: String
    /// Name of the bundle table holding `e_i` ("item").
    public let itemTable: String
    /// Whether `L_i` acts on the unit-length `e_i/||e_i||` (cosine geometry) instead of raw `e_i`.
    public let normalizesItems: Bool

    /// A model from explicit factors; throws when the shapes do not chain.
    public init(itemFactor: ProjectionMatrix, relationalFactor: ProjectionMatrix, alignment: ProjectionMatrix,
                margin: Double = 1, relation: String = "category", itemTable: String = "item",
                normalizesItems: Bool = false) throws {
        guard itemFactor.rows == relationalFactor.rows else {
            throw DiversityError(.invalidInput, "L_i has \(itemFactor.rows) rows, L_ic has \(relationalFactor.rows)")
        }
        guard itemFactor.columns == alignment.columns, relationalFactor.columns == alignment.rows else {
            throw DiversityError(.invalidInput,
                                 "shapes do not chain: L_i \(itemFactor.rows)×\(itemFactor.columns), L_ic \(relationalFactor.rows)×\(relationalFactor.columns), W \(alignment.rows)×\(alignment.columns)")
        }
        guard margin.isFinite, margin > 0 else { throw DiversityError(.invalidInput, "margin must be positive, got \(margin)") }
        self.itemFactor = itemFactor
        self.relationalFactor = relationalFactor
        self.alignment = alignment
        self.margin = margin
        self.relation = relation
        self.itemTable = itemTable
        self.normalizesItems = normalizesItems
    }

    /// Projection dimension p.
    public var projectionDimension: Int { itemFactor.rows }
    /// Item vector dimension d_i.
    public var itemDimension: Int { itemFactor.columns }
    /// Relational vector dimension d_ic.
    public var relationalDimension: Int { relationalFactor.columns }

    /// `(L_i e_i, L_ic e_ic)` for a raw item vector, computing `e_ic = σ(W·e_i)` (and normalising
    /// `e_i` first for `L_i` when `normalizesItems`).
    public func project(itemVector: [Float]) throws -> (item: [Float], relational: [Float]) {
        let pre = try alignment.apply(itemVector)
        let eic = pre.map { 1 / (1 + exp(-$0)) }
        var e = itemVector
        if normalizesItems { e.withUnsafeMutableBufferPointer { Kernels.normalize($0.baseAddress!, count: $0.count) } }
        return (try itemFactor.apply(e), try relationalFactor.apply(eic))
    }

    /// `(d_i, d_ic)` between feature rows `a` and `b` (computed in Double from Float inputs).
    public func distances(_ a: Int, _ b: Int, in features: DiversityFeatures) throws -> (item: Double, relational: Double) {
        try check(features)
        let di = Self.squaredProjectedDistance(itemFactor, features.itemVector(a), features.itemVector(b))
        let dic = Self.squaredProjectedDistance(relationalFactor, features.relationalVector(a), features.relationalVector(b))
        return (di, dic)
    }

    /// `(d_i, d_ic)` between two item vectors.
    public func distances(itemVector a: [Float], itemVector b: [Float]) throws -> (item: Double, relational: Double) {
        let pa = try project(itemVector: a), pb = try project(itemVector: b)
        func sq(_ x: [Float], _ y: [Float]) -> Double { zip(x, y).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } }
        return (sq(pa.item, pb.item), sq(pa.relational, pb.relational))
    }

    /// The contrastive loss of one labelled pair of feature rows.
    public func loss(_ a: Int, _ b: Int, positive: Bool, in features: DiversityFeatures) throws -> Double {
        let (di, dic) = try distances(a, b, in: features)
        return ContrastiveLoss.value(distance: di + dic, positive: positive, margin: margin)
    }

    /// Throws unless `features` have this model's input dimensions.
    public func check(_ features: DiversityFeatures) throws {
        guard features.itemDimension == itemDimension, features.relationalDimension == relationalDimension else {
            throw DiversityError(.invalidInput,
                                 "features are \(features.itemDimension)+\(features.relationalDimension)-dimensional, model expects \(itemDimension)+\(relationalDimension)")
        }
    }

    static func squaredProjectedDistance(_ l: ProjectionMatrix, _ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Double {
        var total = 0.0
        let xs = Array(x), ys = Array(y)
        for r in 0..<l.rows {
            var s = 0.0
            for c in 0..<l.columns { s += Double(l.values[r * l.columns + c]) * Double(xs[c] - ys[c]) }
            total += s * s
        }
        return total
    }

    // MARK: Codable ("diversity.json")

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", p, d, dRelational = "d_relational", margin, relation
        case itemTable = "item_table", normalizesItems = "normalize_items", itemFactor = "L_i", relationalFactor = "L_ic", alignment = "W"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .formatVersion)
        guard version <= Self.formatVersion else {
            throw DiversityError(.format, "diversity model format \(version) is newer than this build (\(Self.formatVersion))")
        }
        try self.init(itemFactor: c.decode(ProjectionMatrix.self, forKey: .itemFactor),
                      relationalFactor: c.decode(ProjectionMatrix.self, forKey: .relationalFactor),
                      alignment: c.decode(ProjectionMatrix.self, forKey: .alignment),
                      margin: c.decode(Double.self, forKey: .margin),
                      relation: c.decode(String.self, forKey: .relation),
                      itemTable: c.decode(String.self, forKey: .itemTable),
                      normalizesItems: c.decodeIfPresent(Bool.self, forKey: .normalizesItems) ?? false)
        let p = try c.decode(Int.self, forKey: .p), d = try c.decode(Int.self, forKey: .d)
        guard p == projectionDimension, d == itemDimension else {
            throw DiversityError(.format, "diversity model header says p=\(p), d=\(d); matrices say p=\(projectionDimension), d=\(itemDimension)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .formatVersion)
        try c.encode(projectionDimension, forKey: .p)
        try c.encode(itemDimension, forKey: .d)
        try c.encode(relationalDimension, forKey: .dRelational)
        try c.encode(margin, forKey: .margin)
        try c.encode(relation, forKey: .relation)
        try c.encode(itemTable, forKey: .itemTable)
        try c.encode(normalizesItems, forKey: .normalizesItems)
        try c.encode(itemFactor, forKey: .itemFactor)
        try c.encode(relationalFactor, forKey: .relationalFactor)
        try c.encode(alignment, forKey: .alignment)
    }
}
