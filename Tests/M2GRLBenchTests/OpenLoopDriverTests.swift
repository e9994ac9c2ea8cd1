import Foundation
import Testing
@testable import M2GRLBench
import WireProtocol

/// Both open-loop drivers against fake servers on real sockets: every request answered and
/// counted, latency per op, server errors counted, and misbehaving servers give typed errors
/// (never a hang: the reply timeout is short).
@Suite struct OpenLoopDriverTests {
    static let ping = try! BenchWorkload(mix: [(.ping, 3), (.vector, 1)], view: "item", k: 10, vectors: [0.5, 0.25],
                                         dimension: 2, keys: [], batchSize: 1)

    func connect(_ port: Int, _ n: Int) throws -> [any LoadConnection] {
        try (0..<n).map { _ in try BenchConnection(host: "127.0.0.1", port: port, raw: true) }
    }

    @Test(arguments: OpenLoopDriver.allCases)
    func everyRequestIsAnsweredAndCountedPerOp(driver: OpenLoopDriver) throws {
        let server = try FakeFrameServer(.init(errorEvery: 10))
        defer { server.stop() }
        let schedule = try OpenLoopSchedule(rate: 2000, senders: 3)
        let result = try LoadDriver.openLoop(try connect(server.port, 3), workload: Self.ping, schedule: schedule, seconds: 0.3,
                                             driver: driver, replyTimeout: 5)
        let expected = (0..<3).reduce(0) { $0 + schedule.requestCount(sender: $1, seconds: 0.3) }
        #expect(expected == 600)
        #expect(result.completed == expected)
        #expect(result.driver == driver)
        #expect(result.ops == [.ping, .vector])
        #expect(result.latency[0].count == 450)
        #expect(result.latency[1].count == 150)
        #expect(result.sendLag.count == UInt64(expected))
        // Each of the 3 connections answers its 10th, 20th, … request with ERROR: 200 each → 20 each.
        #expect(result.errors == 60)
        #expect(result.overall.percentile(0.5) > 0)
        #expect(result.qps > 0)
    }

    @Test func respRepliesAreMatchedByOrder() throws {
        let server = try FakeRESPServer()
        defer { server.stop() }
        let frames = [RESPEncoder.command([Array("PING".utf8)]), RESPEncoder.command([Array("NOPE".utf8)])]
        let workload = try BenchWorkload(op: .ping, frames: frames)
        let connections: [any LoadConnection] = try (0..<2).map { _ in try RESPConnection(host: "127.0.0.1", port: server.port) }
        let schedule = try OpenLoopSchedule(rate: 1000, senders: 2)
        let result = try LoadDriver.openLoop(connections, workload: workload, schedule: schedule, seconds: 0.2, replyTimeout: 5)
        #expect(result.completed == 200)
        #expect(result.latency[0].count == 200)
        // Global requests alternate PING / NOPE; each connection gets every other one... with 2 senders
        // connection 0 always sends PING and connection 1 always NOPE (an error reply).
        #expect(result.errors == 100)
    }

    @Test func aReplyToAnUnknownRequestIsATypedError() throws {
        let server = try FakeFrameServer(.init(idOffset: 1000))
        defer { server.stop() }
        let schedule = try OpenLoopSchedule(rate: 500, senders: 2)
        #expect { try LoadDriver.openLoop(try connect(server.port, 2), workload: Self.ping, schedule: schedule, seconds: 0.2, replyTimeout: 5) }
            throws: { ($0 as? BenchError)?.code == .protocolViolation }
    }

    @Test func aServerClosingMidRunIsATypedError() throws {
        let server = try FakeFrameServer(.init(closeAfter: 20))
        defer { server.stop() }
        let schedule = try OpenLoopSchedule(rate: 1000, senders: 2)
        #expect { try LoadDriver.openLoop(try connect(server.port, 2), workload: Self.ping, schedule: schedule, seconds: 0.3, replyTimeout: 5) }
            throws: { ($0 as? BenchError)?.code == .connection }
    }

    @Test func aConnectionClosedAfterItsLastReplyIsNotAnError() throws {
        let schedule = try OpenLoopSchedule(rate: 1000, senders: 2)
        let perConnection = schedule.requestCount(sender: 0, seconds: 0.2)
        #expect(perConnection == schedule.requestCount(sender: 1, seconds: 0.2))
        let server = try FakeFrameServer(.init(closeAfterAnswering: perConnection))
        defer { server.stop() }
        let result = try LoadDriver.openLoop(try connect(server.port, 2), workload: Self.ping, schedule: schedule, seconds: 0.2, replyTimeout: 5)
        #expect(result.completed == 2 * perConnection)
    }

    @Test func aSilentServerTimesOutWithATypedError() throws {
        let server = try FakeFrameServer(.init(silent: true))
        defer { server.stop() }
        let schedule = try OpenLoopSchedule(rate: 200, senders: 1)
        let started = monotonicNanos()
        #expect { try LoadDriver.openLoop(try connect(server.port, 1), workload: Self.ping, schedule: schedule, seconds: 0.05, replyTimeout: 0.3) }
            throws: { ($0 as? BenchError)?.code == .connection }
        #expect(monotonicNanos() - started < 5_000_000_000)
    }

    @Test func theEpollDriverNeedsOneConnectionPerSender() throws {
        let server = try FakeFrameServer()
        defer { server.stop() }
        let schedule = try OpenLoopSchedule(rate: 100, senders: 2)
        #expect { try LoadDriver.openLoop(try connect(server.port, 1), workload: Self.ping, schedule: schedule, seconds: 0.1) }
            throws: { ($0 as? BenchError)?.code == .invalidArgument }
    }
}
