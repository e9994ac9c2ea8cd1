/// A fixed-size, zero-initialised float buffer shared by the training threads.
///
/// `@unchecked Sendable`: the training threads write rows concurrently without locks on purpose
/// (Hogwild-style updates, as word2vec does); a torn or lost update only perturbs one SGD step.
/// Everything else (allocation, export, checkpoints) happens while no worker runs.
public final class FloatStorage: @unchecked Sendable {
    /// The first element; valid for `count` floats until deinit.
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    public init(count: Int) {
        self.count = count
        // Rows start on cache-line boundaries (when d·4 is a multiple of 64): a row then never shares a
        // line with its neighbour, so threads updating adjacent rows do not falsely share lines.
        pointer = CacheLinePadded.allocate(Float.self, count: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { pointer.update(from: b, count: values.count) } }
    }

    deinit { CacheLinePadded.deallocate(pointer) }

    /// A copy of the contents.
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}

/// A row-major `rows × dimension` matrix with optional Adam moments of the same shape.
public final class ParameterMatrix: Sendable {
    public let rows: Int
    public let dimension: Int
    public let values: FloatStorage
    /// First and second Adam moments (nil for SGD).
    public let moment1: FloatStorage?
    public let moment2: FloatStorage?

    public init(rows: Int, dimension: Int, withMoments: Bool) {
        self.rows = rows
        self.dimension = dimension
        values = FloatStorage(count: rows * dimension)
        moment1 = withMoments ? FloatStorage(count: rows * dimension) : nil
        moment2 = withMoments ? FloatStorage(count: rows * dimension) : nil
    }

    /// Pointer to row `r`.
    @inline(__always)
    public func row(_ r: Int) -> UnsafeMutablePointer<Float> { values.pointer + r * dimension }
}

/// An immutable buffer shared read-only by the training threads.
///
/// `@unchecked Sendable`: written once in `init`, only read afterwards.
public final class SharedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Element>
    public let count: Int

    public init(_ array: [Element]) {
        count = array.count
        pointer = .allocate(capacity: max(array.count, 1))
        array.withUnsafeBufferPointer { if let b = $0.baseAddress { pointer.initialize(from: b, count: array.count) } }
    }

    deinit { CacheLinePadded.deallocate(pointer) }

    @inline(__always) public subscript(i: Int) -> Element { pointer[i] }
}
