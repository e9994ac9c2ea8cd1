import M2GRLCore

/// A dense `rows × columns` float matrix stored row-major, used for the metric
/// factors `L` (p × d) and the frozen alignment matrix `W` (d × d).
///
/// `apply(x)` computes `(M·x)_r = Σ_c M[r][c]·x[c]`.
public struct ProjectionMatrix: Sendable, Equatable, Codable {
    /// Number of rows (output dimension).
    public let rows: Int
    /// Number of columns (input dimension).
    public let columns: Int
    /// `rows × columns` floats, row-major.
    public internal(set) var values: [Float]

    /// A matrix from row-major values; throws when the count does not match the shape.
    public init(rows: Int, columns: Int, values: [Float]) throws {
        guard rows > 0, columns > 0 else {
            throw DiversityError(.invalidInput, "matrix shape \(rows)×\(columns) must be positive")
        }
        guard values.count == rows * columns else {
            throw DiversityError(.invalidInput, "matrix \(rows)×\(columns) needs \(rows * columns) values, got \(values.count)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw DiversityError(.invalidInput, "matrix \(rows)×\(columns) holds non-finite values")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    enum CodingKeys: String, CodingKey { case rows, columns, values }

    /// Decodes and validates the shape (a corrupt file gives a typed error, never a bad matrix).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(rows: c.decode(Int.self, forKey: .rows), columns: c.decode(Int.self, forKey: .columns),
                      values: c.decode([Float].self, forKey: .values))
    }

    /// `scale` on the leading diagonal, zeros elsewhere (a truncated identity when rows ≠ columns).
    public static func identity(rows: Int, columns: Int, scale: Float = 1) throws -> ProjectionMatrix {
        var v = [Float](repeating: 0, count: max(rows, 0) * max(columns, 0))
        for r in 0..<min(rows, columns) { v[r * columns + r] = scale }
        return try ProjectionMatrix(rows: rows, columns: columns, values: v)
    }

    /// Gaussian entries with standard deviation `scale / √columns`.
    public static func gaussian(rows: Int, columns: Int, scale: Float, using rng: inout SeededGenerator) throws -> ProjectionMatrix {
        let sd = Double(scale) / Double(max(columns, 1)).squareRoot()
        let v = (0..<(max(rows, 0) * max(columns, 0))).map { _ in Float(rng.nextGaussian() * sd) }
        return try ProjectionMatrix(rows: rows, columns: columns, values: v)
    }

    /// `M·x`; throws when `x` does not have `columns` entries.
    public func apply<C: Collection>(_ x: C) throws -> [Float] where C.Element == Float {
        guard x.count == columns else {
            throw DiversityError(.invalidInput, "vector of dimension \(x.count) given to a \(rows)×\(columns) matrix")
        }
        let xs = Array(x)
        var out = [Float](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { m in
            xs.withUnsafeBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { o in
                    Kernels.matVec(m.baseAddress!, rows: rows, columns: columns, xp.baseAddress!, into: o.baseAddress!)
                }
            }
        }
        return out
    }

    /// `Mᵀ·M` (columns × columns, Double): the metric this factor induces; PSD by construction.
    public func gram() -> [[Double]] {
        var g = [[Double]](repeating: [Double](repeating: 0, count: columns), count: columns)
        for r in 0..<rows {
            let base = r * columns
            for i in 0..<columns {
                let a = Double(values[base + i])
                if a == 0 { continue }
                for j in 0..<columns { g[i][j] += a * Double(values[base + j]) }
            }
        }
        return g
    }
}

/// Small dense kernels on raw pointers (hot loops of training and projection).
enum Kernels {
    /// `out = M·x` for a row-major `rows × columns` matrix.
    @inline(__always)
    static func matVec(_ m: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>,
                       into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = m + r * columns
            var s: Float = 0
            for c in 0..<columns { s += row[c] * x[c] }
            out[r] = s
        }
    }

    /// `G += alpha · u·vᵀ` for a row-major `rows × columns` matrix `G`.
    @inline(__always)
    static func addOuter(_ g: UnsafeMutablePointer<Float>, rows: Int, columns: Int, alpha: Float,
                         _ u: UnsafePointer<Float>, _ v: UnsafePointer<Float>) {
        for r in 0..<rows {
            let a = alpha * u[r]
            if a == 0 { continue }
            let row = g + r * columns
            for c in 0..<columns { row[c] += a * v[c] }
        }
    }

    /// Scales `x` to unit length (a zero vector stays zero).
    @inline(__always)
    static func normalize(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let n = squaredNorm(x, count: count).squareRoot()
        guard n > 0 else { return }
        for i in 0..<count { x[i] /= n }
    }

    /// Σ x².
    @inline(__always)
    static func squaredNorm(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var s: Float = 0
        for i in 0..<count { s += x[i] * x[i] }
        return s
    }
}
