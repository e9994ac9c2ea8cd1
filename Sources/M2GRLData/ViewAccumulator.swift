/// Builds one view's vocabulary, sequences, counts and edges from raw tokens, session by session.
struct ViewAccumulator {
    let name: String
    /// Dense id (≥ 1) per raw id, 0 while unseen.
    var denseOfRaw: [Int32]
    /// Raw id per dense id (index 0 unused).
    var rawOfDense: [Int32] = [-1]
    var counts: [Int64] = [0]
    var sequences = SequenceSet()
    var edges = EdgeCounter()
    var edgeOccurrences: Int64 = 0
    /// Scratch buffer for the current sequence.
    private var current: [Int32] = []

    init(name: String, rawCount: Int) {
        self.name = name
        self.denseOfRaw = [Int32](repeating: 0, count: rawCount)
    }

    /// The dense id of raw id `raw`, assigning the next one on first sight.
    @inline(__always)
    mutating func dense(_ raw: Int32) -> Int32 {
        let d = denseOfRaw[Int(raw)]
        if d != 0 { return d }
        let assigned = Int32(rawOfDense.count)
        denseOfRaw[Int(raw)] = assigned
        rawOfDense.append(raw)
        counts.append(0)
        return assigned
    }

    /// Starts a new sequence.
    mutating func begin() { current.removeAll(keepingCapacity: true) }

    /// Appends a raw token unless it repeats the previous one; returns its dense id.
    @inline(__always)
    mutating func push(_ raw: Int32) {
        let d = dense(raw)
        if let last = current.last, last == d { return }
        current.append(d)
    }

    /// Ends the sequence: stores it (when non-empty), counts nodes and edges.
    mutating func end() {
        guard !current.isEmpty else { return }
        var previous: Int32 = 0
        for (k, d) in current.enumerated() {
            counts[Int(d)] += 1
            if k > 0 { edges.add(previous, d) }
            previous = d
        }
        edgeOccurrences += Int64(current.count - 1)
        sequences.append(current)
    }

    /// The finished view, with vocabulary strings from `vocabulary(raw)`.
    func finish(vocabulary: (Int32) -> String) -> ViewData {
        var names = [""]
        names.reserveCapacity(rawOfDense.count)
        for d in 1..<rawOfDense.count { names.append(vocabulary(rawOfDense[d])) }
        return ViewData(name: name, vocabulary: names, counts: counts, sequences: sequences, edges: edges.edges())
    }

    func stats() -> SplitStats.ViewStats {
        SplitStats.ViewStats(name: name, nodes: rawOfDense.count - 1, sequences: sequences.count,
                             tokens: sequences.tokens.count, edges: edges.distinct, edgeOccurrences: edgeOccurrences)
    }
}
