/// Exact top-K of a score vector: highest score first, ties by ascending `tieRank`
/// (the rank of the candidate's id in ascending numeric order). `-infinity` marks non-candidates.
public struct TopKSelector: Sendable {
    public let k: Int
    private var heapScore: [Float] = []
    private var heapRank: [Int32] = []
    private var heapIndex: [Int32] = []

    public init(k: Int) { self.k = k }

    /// `a` ranks below `b` (worse).
    @inline(__always)
    private static func worse(_ sa: Float, _ ra: Int32, _ sb: Float, _ rb: Int32) -> Bool {
        sa < sb || (sa == sb && ra > rb)
    }

    /// Indices of the best `k` candidates, best first.
    public mutating func select(scores: UnsafeBufferPointer<Float>, tieRank: UnsafeBufferPointer<Int32>) -> [Int] {
        heapScore.removeAll(keepingCapacity: true)
        heapRank.removeAll(keepingCapacity: true)
        heapIndex.removeAll(keepingCapacity: true)
        guard k > 0 else { return [] }
        for i in 0..<scores.count {
            let s = scores[i]
            if s == -.infinity || s.isNaN { continue }
            let r = tieRank[i]
            if heapScore.count < k {
                heapScore.append(s); heapRank.append(r); heapIndex.append(Int32(i))
                siftUp(heapScore.count - 1)
            } else if Self.worse(heapScore[0], heapRank[0], s, r) {
                heapScore[0] = s; heapRank[0] = r; heapIndex[0] = Int32(i)
                siftDown(0)
            }
        }
        var order = Array(0..<heapScore.count)
        order.sort { Self.worse(heapScore[$1], heapRank[$1], heapScore[$0], heapRank[$0]) }
        return order.map { Int(heapIndex[$0]) }
    }

    // Min-heap on "worse": the root is the worst kept candidate.
    private mutating func siftUp(_ i0: Int) {
        var i = i0
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.worse(heapScore[i], heapRank[i], heapScore[p], heapRank[p]) else { return }
            swap(i, p); i = p
        }
    }

    private mutating func siftDown(_ i0: Int) {
        var i = i0
        let n = heapScore.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n, Self.worse(heapScore[l], heapRank[l], heapScore[m], heapRank[m]) { m = l }
            if r < n, Self.worse(heapScore[r], heapRank[r], heapScore[m], heapRank[m]) { m = r }
            if m == i { return }
            swap(i, m); i = m
        }
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        heapScore.swapAt(a, b); heapRank.swapAt(a, b); heapIndex.swapAt(a, b)
    }
}
