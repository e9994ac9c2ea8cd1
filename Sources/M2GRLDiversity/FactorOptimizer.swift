/// Adam or plain SGD over one flattened factor.
struct FactorOptimizer: Sendable {
    let kind: DiversityConfiguration.Optimizer
    let learningRate: Float
    private var m: [Float]
    private var v: [Float]
    private var beta1Power: Float = 1
    private var beta2Power: Float = 1
    private let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8

    init(kind: DiversityConfiguration.Optimizer, learningRate: Double, count: Int) {
        self.kind = kind
        self.learningRate = Float(learningRate)
        m = kind == .adam ? [Float](repeating: 0, count: count) : []
        v = kind == .adam ? [Float](repeating: 0, count: count) : []
    }

    /// Applies one update of `gradient` (already averaged over the batch) to `parameters`.
    mutating func update(_ parameters: inout [Float], gradient: [Float]) {
        switch kind {
        case .sgd:
            for k in parameters.indices { parameters[k] -= learningRate * gradient[k] }
        case .adam:
            beta1Power *= beta1
            beta2Power *= beta2
            let c1 = 1 - beta1Power, c2 = 1 - beta2Power
            let lr = learningRate * c2.squareRoot() / c1
            for k in parameters.indices {
                let g = gradient[k]
                m[k] = beta1 * m[k] + (1 - beta1) * g
                v[k] = beta2 * v[k] + (1 - beta2) * g * g
                parameters[k] -= lr * m[k] / (v[k].squareRoot() + epsilon)
            }
        }
    }
}
