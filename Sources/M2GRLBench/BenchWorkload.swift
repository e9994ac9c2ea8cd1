import Foundation
import WireProtocol

/// One kind of request the load generator sends.
public enum BenchOp: String, Sendable, CaseIterable, Codable {
    /// TOPK of one query vector.
    case vector
    /// TOPK of one stored item, by key.
    case id
    /// TOPK of several query vectors in one request (`--batch`).
    case batch
    /// PING with an empty payload (transport only).
    case ping
    /// DIVERSE with one stored item as trigger (needs a snapshot with a diversity catalog).
    case diverse
}

/// The requests of a run: a weighted op mix cycled in a fixed pattern, each op with its own
/// pre-encoded frames (request id patched in place before sending).
public struct BenchWorkload: Sendable {
    /// The op of global request `g` is `pattern[g % pattern.count]`.
    public let pattern: [BenchOp]
    /// The distinct ops, in first-appearance order (histograms are kept per op in this order).
    public let ops: [BenchOp]
    /// Pre-encoded frames per op (indexed like `ops`), cycled.
    public let frames: [[[UInt8]]]

    /// Parses a mix like `vector:3,id:1` (weights are small positive integers; `vector` = `vector:1`).
    public static func parseMix(_ text: String) throws(BenchError) -> [(op: BenchOp, weight: Int)] {
        var mix: [(op: BenchOp, weight: Int)] = []
        for part in text.split(separator: ",") {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let op = BenchOp(rawValue: fields[0]) else {
                throw BenchError(.invalidArgument, "unknown op '\(fields[0])' in mix (ops: \(BenchOp.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let weight = fields.count > 1 ? Int(fields[1]) : 1
            guard fields.count <= 2, let weight, (1...1000).contains(weight) else {
                throw BenchError(.invalidArgument, "bad weight in mix part '\(part)' (want op or op:1...1000)")
            }
            guard !mix.contains(where: { $0.op == op }) else { throw BenchError(.invalidArgument, "op '\(op.rawValue)' twice in mix") }
            mix.append((op, weight))
        }
        guard !mix.isEmpty else { throw BenchError(.invalidArgument, "empty op mix") }
        return mix
    }

    /// Interleaves a mix into a short repeating pattern (`vector:2,id:1` → vector, id, vector).
    public static func pattern(_ mix: [(op: BenchOp, weight: Int)]) -> [BenchOp] {
        let total = mix.reduce(0) { $0 + $1.weight }
        var credit = [Int](repeating: 0, count: mix.count)
        var pattern: [BenchOp] = []
        for _ in 0..<total { // smooth weighted round robin
            for i in mix.indices { credit[i] += mix[i].weight }
            let best = credit.indices.max { credit[$0] < credit[$1] || (credit[$0] == credit[$1] && $0 > $1) }!
            credit[best] -= total
            pattern.append(mix[best].op)
        }
        return pattern
    }

    /// Builds the frames: `vectors` are query rows (`dimension` floats each), `keys` stored item keys.
    public init(mix: [(op: BenchOp, weight: Int)], view: String, k: Int, vectors: [Float], dimension: Int,
                keys: [Int64], batchSize: Int) throws(BenchError) {
        pattern = Self.pattern(mix)
        ops = mix.map(\.op)
        let rows = dimension > 0 ? vectors.count / dimension : 0
        var frames: [[[UInt8]]] = []
        for op in ops {
            switch op {
            case .vector, .batch:
                guard rows > 0 else { throw BenchError(.invalidArgument, "op '\(op.rawValue)' needs query vectors") }
                let per = op == .batch ? max(1, batchSize) : 1
                var list: [[UInt8]] = []
                for r in 0..<rows {
                    var values: [Float] = []
                    values.reserveCapacity(per * dimension)
                    for j in 0..<per {
                        let row = (r + j) % rows
                        values += vectors[(row * dimension)..<((row + 1) * dimension)]
                    }
                    let request = TopKRequest(view: view, k: UInt32(k), queries: .vectors(dimension: dimension, values: values))
                    list.append(Frame.encode(request, requestID: 0))
                }
                frames.append(list)
            case .id:
                guard !keys.isEmpty else { throw BenchError(.invalidArgument, "op 'id' needs item keys (give --snapshot)") }
                frames.append(keys.map { Frame.encode(TopKRequest(view: view, k: UInt32(k), queries: .ids([$0])), requestID: 0) })
            case .diverse:
                guard !keys.isEmpty else { throw BenchError(.invalidArgument, "op 'diverse' needs item keys (give --snapshot)") }
                frames.append(keys.map { Frame.encode(DiverseRequest(triggers: [$0], k: UInt32(k)), requestID: 0) })
            case .ping:
                frames.append([Frame.encode(PingMessage(payload: []), requestID: 0)])
            }
        }
        self.frames = frames
    }

    /// A one-op workload of ready-made request bytes (e.g. RESP commands for Redis), cycled.
    public init(op: BenchOp, frames: [[UInt8]]) throws(BenchError) {
        guard !frames.isEmpty else { throw BenchError(.invalidArgument, "a workload needs at least one request") }
        pattern = [op]
        ops = [op]
        self.frames = [frames]
    }

    /// The op slot (index into `ops`) and frame of global request `g`.
    public func request(_ g: Int) -> (slot: Int, frame: [UInt8]) {
        let op = pattern[g % pattern.count]
        let slot = ops.firstIndex(of: op)!
        let list = frames[slot]
        return (slot, list[(g / pattern.count) % list.count])
    }
}
