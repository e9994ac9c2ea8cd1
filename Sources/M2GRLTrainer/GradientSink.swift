/// Where the kernels put gradients: straight into the parameters (SGD) or into per-batch
/// accumulators (Adam). Kernels add `coef · ∂loss/∂row` into the pointer a sink returns.
public protocol GradientSink {
    /// Destination of the gradient of view `view`'s input row `row`.
    mutating func input(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float>
    /// Destination of the gradient of view `view`'s output row `row`.
    mutating func output(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float>
    /// Destination of the gradient of alignment task `task`'s `d×d` matrix.
    mutating func alignment(_ task: Int) -> UnsafeMutablePointer<Float>
}

/// SGD: gradients are applied to the parameters at once (use a negative coefficient `−lr·w_t`).
public struct DirectSink: GradientSink {
    let inputs: [UnsafeMutablePointer<Float>]
    let outputs: [UnsafeMutablePointer<Float>]
    let matrices: [UnsafeMutablePointer<Float>]
    let dimension: Int

    /// `matrices` replaces the alignment matrices as the destination of their gradients (nil:
    /// the parameters' own).
    public init(parameters: ModelParameters, matrices: [UnsafeMutablePointer<Float>]? = nil) {
        inputs = parameters.input.map { $0.values.pointer }
        outputs = parameters.output.map { $0.values.pointer }
        self.matrices = matrices ?? parameters.alignment.map { $0.values.pointer }
        dimension = parameters.dimension
    }

    @inline(__always) public mutating func input(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { inputs[view] + row * dimension }
    @inline(__always) public mutating func output(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { outputs[view] + row * dimension }
    @inline(__always) public mutating func alignment(_ task: Int) -> UnsafeMutablePointer<Float> { matrices[task] }
}

/// Sparse per-row gradient of one table for one mini-batch: rows get a zeroed slot on first touch.
///
/// `@unchecked Sendable`: owned by exactly one worker thread.
public final class SparseGradient: @unchecked Sendable {
    public let rows: Int
    public let dimension: Int
    /// Slot of each row, or -1.
    private var slotOf: [Int32]
    /// Rows touched in this batch, in first-touch order.
    public private(set) var touched: [Int32] = []
    private var capacity: Int
    public private(set) var values: UnsafeMutablePointer<Float>

    public init(rows: Int, dimension: Int) {
        self.rows = rows
        self.dimension = dimension
        slotOf = Array(repeating: -1, count: rows)
        capacity = min(max(rows, 1), 1024)
        values = .allocate(capacity: capacity * dimension)
    }

    deinit { values.deallocate() }

    /// The gradient slot of `row` (zeroed on first touch). Valid until the next call.
    @inline(__always)
    public func slot(_ row: Int) -> UnsafeMutablePointer<Float> {
        let s = slotOf[row]
        if s >= 0 { return values + Int(s) * dimension }
        if touched.count == capacity { grow() }
        let n = touched.count
        slotOf[row] = Int32(n)
        touched.append(Int32(row))
        let p = values + n * dimension
        p.update(repeating: 0, count: dimension)
        return p
    }

    private func grow() {
        let newCapacity = min(capacity * 2, max(rows, 1))
        let nv = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimension)
        nv.update(from: values, count: touched.count * dimension)
        values.deallocate()
        values = nv
        capacity = newCapacity
    }

    /// Σ g² over all touched slots.
    public func squaredNorm() -> Double {
        let n = touched.count * dimension
        return Double(VectorMath.dot(values, values, n))
    }

    /// Forgets every touched row.
    public func reset() {
        for r in touched { slotOf[Int(r)] = -1 }
        touched.removeAll(keepingCapacity: true)
    }
}

/// Adam: gradients accumulate per batch and are applied by `AdamUpdater`.
///
/// A kernel may hold at most one row pointer per table at a time (slots can move when a table grows):
/// the kernels fetch each destination right before writing it.
public struct AccumulatingSink: GradientSink {
    public let inputs: [SparseGradient]
    public let outputs: [SparseGradient]
    /// Dense `d×d` gradient per alignment task.
    public let matrices: [FloatStorage]

    public init(parameters: ModelParameters) {
        let d = parameters.dimension
        inputs = parameters.input.map { SparseGradient(rows: $0.rows, dimension: d) }
        outputs = parameters.output.map { SparseGradient(rows: $0.rows, dimension: d) }
        matrices = parameters.alignment.map { _ in FloatStorage(count: d * d) }
    }

    @inline(__always) public mutating func input(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { inputs[view].slot(row) }
    @inline(__always) public mutating func output(_ view: Int, _ row: Int) -> UnsafeMutablePointer<Float> { outputs[view].slot(row) }
    @inline(__always) public mutating func alignment(_ task: Int) -> UnsafeMutablePointer<Float> { matrices[task].pointer }

    /// Forgets the batch.
    public func reset() {
        for g in inputs { g.reset() }
        for g in outputs { g.reset() }
        for m in matrices { m.pointer.update(repeating: 0, count: m.count) }
    }
}
