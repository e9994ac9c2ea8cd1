import Foundation
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// RELOAD starts a thread per request: a flood of them is refused past a few pending, with a clear
/// error, instead of one thread each (200 pipelined RELOADs made 200 threads).
@Suite struct ReloadFloodTests {
    @Test func reloadsPastTheLimitAreRefusedAndTheSnapshotKeepsServing() throws {
        let a = try Fixture.snapshot(version: "v-a", seed: 111)
        let b = try Fixture.snapshot(version: "v-b", seed: 112)
        let server = try Fixture.server(Fixture.configuration { $0.adminToken = "t" }, snapshot: a) { _ in
            usleep(200_000) // a slow load
            return b
        }
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, requestTimeout: 10))
        let ids = try (0..<10).map { _ in try client.send(ReloadRequest(token: "t", target: "current")) }
        var ok = 0, refused = 0
        for id in ids {
            let frame = try client.receive(requestID: id)
            if frame.header.type == .reload.reply {
                ok += 1
            } else {
                let error = try frame.decode(ErrorReply.self)
                #expect(error.code == .reloadFailed)
                #expect(error.message.contains("already pending"))
                refused += 1
            }
        }
        #expect(ok == EventLoop.maximumPendingReloads)
        #expect(refused == 10 - EventLoop.maximumPendingReloads)
        // Once they finished, a reload is accepted again, and queries were served throughout.
        #expect(try client.reload(token: "t").newVersion == "v-b")
        #expect(try client.topK(TopKRequest(view: "item", k: 3, queries: .ids([5]))).results.first?.ids.count == 3)
    }
}
