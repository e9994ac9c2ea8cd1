import Foundation
import WireProtocol

/// A tiny deterministic generator (SplitMix64) so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The golden byte blocks of docs/PROTOCOL.md, by name.
func goldenExamples() throws -> [String: [UInt8]] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
    var result: [String: [UInt8]] = [:]
    var current: String?
    var bytes: [UInt8] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```golden ") {
            current = String(line.dropFirst("```golden ".count))
            bytes = []
        } else if line.hasPrefix("```"), let name = current {
            result[name] = bytes
            current = nil
        } else if current != nil {
            bytes += line.split(separator: " ").map { UInt8($0, radix: 16)! }
        }
    }
    return result
}
