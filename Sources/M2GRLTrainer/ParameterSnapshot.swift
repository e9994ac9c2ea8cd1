/// A copy of the parameter values (no optimiser moments), for keeping the best epoch.
public struct ParameterSnapshot: Sendable {
    public var input: [[Float]]
    public var output: [[Float]]
    public var alignment: [[Float]]
    public var logVariance: [Float]

    public init(_ p: ModelParameters) {
        input = p.input.map { $0.values.array }
        output = p.output.map { $0.values.array }
        alignment = p.alignment.map { $0.values.array }
        logVariance = p.logVariance.values.array
    }

    public init(input: [[Float]], output: [[Float]], alignment: [[Float]], logVariance: [Float]) {
        self.input = input
        self.output = output
        self.alignment = alignment
        self.logVariance = logVariance
    }

    /// Writes the values back (shapes must match the parameters they came from).
    public func restore(into p: ModelParameters) {
        func copy(_ src: [Float], _ dst: FloatStorage) {
            src.withUnsafeBufferPointer { if let b = $0.baseAddress { dst.pointer.update(from: b, count: min(src.count, dst.count)) } }
        }
        for (s, m) in zip(input, p.input) { copy(s, m.values) }
        for (s, m) in zip(output, p.output) { copy(s, m.values) }
        for (s, m) in zip(alignment, p.alignment) { copy(s, m.values) }
        copy(logVariance, p.logVariance.values)
    }
}
