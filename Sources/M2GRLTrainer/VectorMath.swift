import Foundation

/// Dense float kernels over raw pointers, written so that the optimiser emits wide SIMD code.
///
/// All vectors have `count` elements; chunks of 16 use `SIMD16<Float>`, the tail is scalar.
public enum VectorMath {
    /// `Σ a[i]·b[i]`.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= count {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        if i + 16 <= count {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        let v16 = acc0 + acc1
        let v8 = v16.lowHalf + v16.highHalf
        let v4 = v8.lowHalf + v8.highHalf
        var s = (v4.lowHalf + v4.highHalf).sum()
        while i < count { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// `y[i] += alpha·x[i]`.
    @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD16<Float>(repeating: alpha)
        while i + 16 <= count {
            let v = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                + va * rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            ry.storeBytes(of: v, toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// One pass over `v`: `acc[i] += a·v[i]`, then `v[i] += b·x[i]` (the SGNS output-row update fused
    /// with the input-gradient accumulation, so each output row is loaded and stored once).
    @inline(__always)
    public static func accumulateAndUpdate(_ a: Float, _ v: UnsafeMutablePointer<Float>, into acc: UnsafeMutablePointer<Float>,
                                           _ b: Float, _ x: UnsafePointer<Float>, _ count: Int) {
        var i = 0
        let rv = UnsafeMutableRawPointer(v), racc = UnsafeMutableRawPointer(acc), rx = UnsafeRawPointer(x)
        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b)
        while i + 16 <= count {
            let o = i * 4
            let vv = rv.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
            racc.storeBytes(of: racc.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self) + va * vv, toByteOffset: o, as: SIMD16<Float>.self)
            rv.storeBytes(of: vv + vb * rx.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self), toByteOffset: o, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { acc[i] += a * v[i]; v[i] += b * x[i]; i += 1 }
    }

    /// `y[i] = 0`.
    @inline(__always)
    public static func zero(_ y: UnsafeMutablePointer<Float>, _ count: Int) {
        y.update(repeating: 0, count: count)
    }

    /// `out = W·x` for a row-major `rows × cols` matrix.
    @inline(__always)
    public static func matVec(_ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                              rows: Int, cols: Int) {
        for r in 0..<rows { out[r] = dot(w + r * cols, x, cols) }
    }

    /// `out += Wᵀ·g` for a row-major `rows × cols` matrix.
    @inline(__always)
    public static func matTVecAdd(_ w: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                                  rows: Int, cols: Int) {
        for r in 0..<rows where g[r] != 0 { axpy(g[r], w + r * cols, out, cols) }
    }

    /// `G += scale · g ⊗ x` (rank-one update of a row-major `rows × cols` matrix).
    @inline(__always)
    public static func outerAdd(_ scale: Float, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows where g[r] != 0 { axpy(scale * g[r], x, out + r * cols, cols) }
    }
}

/// Sigmoid and softplus by table lookup with linear interpolation on [-8, 8], exact outside.
///
/// Interpolation error is below 1e-6, small enough for gradient checks; the lookup is several times
/// cheaper than `exp` in the inner loop.
public enum FastSigmoid {
    static let range: Float = 8
    static let size = 4096
    static let scale = Float(size) / (2 * range)
    /// σ(x) at `size + 1` equally spaced points. `nonisolated(unsafe)`: filled once by the lazy
    /// global initialiser, read-only afterwards.
    nonisolated(unsafe) static let sigmoidTable: UnsafeMutablePointer<Float> = makeTable { 1 / (1 + exp(-$0)) }
    /// softplus(x) = log(1 + eˣ) at the same points (read-only after initialisation, as above).
    nonisolated(unsafe) static let softplusTable: UnsafeMutablePointer<Float> = makeTable { x in
        x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
    }

    private static func makeTable(_ f: (Double) -> Double) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: size + 2)
        for i in 0...(size + 1) { p[i] = Float(f(Double(i) / Double(scale) - Double(range))) }
        return p
    }

    /// σ(x) = 1 / (1 + e⁻ˣ).
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        guard x > -range, x < range else { return 1 / (1 + exp(-x)) }
        let t = (x + range) * scale
        let i = Int(t)
        let f = t - Float(i)
        let p = sigmoidTable
        return p[i] + f * (p[i + 1] - p[i])
    }

    /// softplus(x) = log(1 + eˣ); `−log σ(x) = softplus(−x)`.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float {
        guard x > -range, x < range else { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
        let t = (x + range) * scale
        let i = Int(t)
        let f = t - Float(i)
        let p = softplusTable
        return p[i] + f * (p[i + 1] - p[i])
    }
}
