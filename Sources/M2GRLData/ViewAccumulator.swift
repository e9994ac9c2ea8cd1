/// Builds one view's vocabulary, sequences, counts and edges from raw tokens, session by session.
struct ViewAccumulator {
    let name: String
    /// Dense id (≥ 1) per raw id, 0 while unseen.
    var denseOfRaw: [Int32]
    /// Raw id per dense id (index 0 unused).
    var rawOfDense: [Int32] = [-1]
    var counts: [Int64] = [0]
    var sequences = SequenceSet()
    /// Edges sorted by (source, target), counted by `tally(checkpoint:)`.
    var edges: [Edge] = []
    var edgeOccurrences: Int64 = 0
    /// Scratch buffer for the current sequence.
    private var current: [Int32] = []

    /// `rawCount` raw ids; `expectedTokens` sizes buffers (an upper bound on tokens and edges).
    init(name: String, rawCount: Int, expectedTokens: Int) {
        self.name = name
        self.denseOfRaw = [Int32](repeating: 0, count: rawCount)
        sequences.tokens.reserveCapacity(expectedTokens)
        rawOfDense.reserveCapacity(min(rawCount, expectedTokens) + 1)
        counts.reserveCapacity(min(rawCount, expectedTokens) + 1)
    }

    /// The dense id of raw id `raw`, assigning the next one on first sight.
    @inline(__always)
    mutating func dense(_ raw: Int32) -> Int32 {
        let d = denseOfRaw[Int(raw)]
        if d != 0 { return d }
        let assigned = newDense(raw)
        denseOfRaw[Int(raw)] = assigned
        return assigned
    }

    /// Assigns the next dense id to `raw` without recording it in `denseOfRaw` (for callers that
    /// keep their own raw → dense map).
    @inline(__always)
    mutating func newDense(_ raw: Int32) -> Int32 {
        let assigned = Int32(rawOfDense.count)
        rawOfDense.append(raw)
        counts.append(0)
        return assigned
    }

    /// Starts a new sequence.
    mutating func begin() { current.removeAll(keepingCapacity: true) }

    /// Appends a raw token unless it repeats the previous one.
    @inline(__always)
    mutating func push(_ raw: Int32) { pushDense(dense(raw)) }

    /// Appends a dense token unless it repeats the previous one.
    @inline(__always)
    mutating func pushDense(_ d: Int32) {
        if let last = current.last, last == d { return }
        current.append(d)
    }

    /// Ends the sequence: stores it when non-empty.
    mutating func end() {
        guard !current.isEmpty else { return }
        sequences.append(current)
    }

    /// Counts nodes and edges over all stored sequences (once, after the last `end()`); a tight
    /// pass whose independent memory accesses overlap far better than counting session by session.
    /// `checkpoint` runs between parts of the edge count (see `EdgeCounter.count`).
    mutating func tally(checkpoint: () throws -> Void) rethrows {
        sequences.tokens.withUnsafeBufferPointer { tokens in
            counts.withUnsafeMutableBufferPointer { counts in
                for t in tokens { counts[Int(t)] += 1 }
            }
        }
        (edges, edgeOccurrences) = try EdgeCounter.count(tokens: sequences.tokens, offsets: sequences.offsets, nodeCount: rawOfDense.count,
                                                         checkpoint: checkpoint)
    }

    /// The finished view, with vocabulary strings from `vocabulary(raw)`.
    func finish(vocabulary: (Int32) -> String) -> ViewData {
        var names = [""]
        names.reserveCapacity(rawOfDense.count)
        for d in 1..<rawOfDense.count { names.append(vocabulary(rawOfDense[d])) }
        return ViewData(name: name, vocabulary: names, counts: counts, sequences: sequences, edges: edges)
    }

    func stats() -> SplitStats.ViewStats {
        SplitStats.ViewStats(name: name, nodes: rawOfDense.count - 1, sequences: sequences.count,
                             tokens: sequences.tokens.count, edges: edges.count, edgeOccurrences: edgeOccurrences)
    }
}
