import Testing
@testable import M2GRLBench

/// The one-connection phases' client busy-poll: replies are still all received and counted, a
/// server that closes is still a typed error, and the setting is off again afterwards.
@Suite struct BusyPollTests {
    static let workload = try! BenchWorkload(mix: [(.ping, 1)], view: "item", k: 10, vectors: [], dimension: 0,
                                             keys: [], batchSize: 1)

    @Test func everyReplyIsReceivedAndTheSettingIsResetAfterwards() throws {
        let server = try FakeFrameServer(.init(errorEvery: 10))
        defer { server.stop() }
        let result = try LoadPlan.withBusyPoll(microseconds: 200) { () throws(BenchError) in
            #expect(BlockingSocket.busyPollNanoseconds.load(ordering: .relaxed) == 200_000)
            return try LoadDriver.closedLoop([try BenchConnection(host: "127.0.0.1", port: server.port, raw: true)],
                                             workload: Self.workload, pipeline: 1, seconds: 5, maxRequests: 300)
        }
        #expect(result.completed == 300)
        #expect(result.errors == 30)
        #expect(BlockingSocket.busyPollNanoseconds.load(ordering: .relaxed) == 0)
    }

    @Test func aServerClosingWhileTheClientPollsIsATypedError() throws {
        let server = try FakeFrameServer(.init(closeAfter: 20))
        defer { server.stop() }
        #expect {
            try LoadPlan.withBusyPoll(microseconds: 1_000) { () throws(BenchError) in
                try LoadDriver.closedLoop([try BenchConnection(host: "127.0.0.1", port: server.port, raw: true)],
                                          workload: Self.workload, pipeline: 1, seconds: 5, maxRequests: 100)
            }
        } throws: { ($0 as? BenchError)?.code == .connection }
        #expect(BlockingSocket.busyPollNanoseconds.load(ordering: .relaxed) == 0)
    }
}
