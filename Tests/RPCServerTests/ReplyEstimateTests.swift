import Foundation
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Reply estimates run before a request is validated: hostile sizes must neither trap nor reserve
/// absurd amounts.
@Suite struct ReplyEstimateTests {
    @Test func extremeInputsSaturateInsteadOfTrapping() {
        // Before: `queries * (4 + results * 76)` trapped on overflow.
        #expect(ReplyEstimate.topK(queries: Int.max, k: Int.max, viewCount: nil, names: true) == Int.max)
        #expect(ReplyEstimate.topK(queries: 1 << 40, k: Int(UInt32.max), viewCount: nil, names: true) == Int.max)
        #expect(ReplyEstimate.diverse(k: Int.max, names: true) == Int.max)
        #expect(ReplyEstimate.topK(queries: -5, k: -5, viewCount: nil, names: true) == FrameHeader.size + 4)
        // Ordinary sizes are unchanged: 2 queries of min(10, 7) results with names.
        #expect(ReplyEstimate.topK(queries: 2, k: 10, viewCount: 7, names: true) == FrameHeader.size + 4 + 2 * (4 + 7 * 76))
    }

    @Test func aTopKWithAHugeKIsRefusedAndTheServerKeepsServing() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 111)
        let server = try Fixture.server(Fixture.configuration { $0.maxFrameBytes = 1 << 20 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        let ids = Array(Int64(1)...Int64(64))
        for view in ["item", "no-such-view"] {
            let huge = TopKRequest(view: view, k: UInt32.max, queries: .ids(ids))
            #expect {
                _ = try client.topK(huge, flags: .includeNames)
            } throws: { error in
                let code = (error as? RPCClientError)?.serverCode
                return code == (view == "item" ? .invalidArgument : .unknownView)
            }
        }
        // Pipelined behind more of them on the same connection: all answered, none held back.
        let requests = (0..<6).map { i in
            i % 2 == 0 ? TopKRequest(view: "item", k: UInt32.max, queries: .ids(ids))
                       : TopKRequest(view: "item", k: 5, queries: .ids([Int64(i)]))
        }
        let replies = try client.topK(pipelined: requests, flags: .includeNames)
        #expect(replies.count == 6)
        for (i, reply) in replies.enumerated() {
            switch reply {
            case .success(let ok): #expect(i % 2 == 1 && ok.results.first?.ids.count == 5)
            case .failure(let error): #expect(i % 2 == 0 && error.serverCode == .invalidArgument)
            }
        }
        #expect(try client.ping(payload: [9]) == [9])
    }
}
