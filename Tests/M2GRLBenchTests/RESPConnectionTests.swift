import Foundation
import Testing
@testable import M2GRLBench
#if canImport(Glibc)
import Glibc
#endif

/// A tiny RESP server on 127.0.0.1 for the client tests: decodes each command with `RESPDecoder`,
/// answers `FT.SEARCH` with `[1, "v:<n>"]` (n = that connection's command count) written one byte
/// at a time (so the client sees partial reads), `PING` with `+PONG`, anything else with an error,
/// and `BROKEN` with a malformed reply.
final class FakeRESPServer: Sendable {
    let listener: LoopbackListener
    var port: Int { listener.port }

    init() throws { listener = try LoopbackListener { Self.serve($0) } }

    func stop() { listener.stop() }

    private static func serve(_ fd: Int32) {
        defer { close(fd) }
        var decoder = RESPDecoder()
        var count = 0
        LoopbackListener.receiveChunks(fd) { chunk in
            decoder.feed(chunk)
            while let command = try? decoder.next() {
                count += 1
                guard case .array(let args?) = command, let name = args.first?.text else { return false }
                let reply: [UInt8]
                switch name {
                case "PING": reply = RESPValue.simpleString("PONG").encoded
                case "FT.SEARCH": reply = RESPValue.array([.integer(1), .bulkString(Array("v:\(count)".utf8))]).encoded
                case "BROKEN": reply = Array("$3\r\nabcdef\r\n".utf8)
                default: reply = RESPValue.error("ERR unknown command '\(name)'").encoded
                }
                for byte in reply { _ = withUnsafeBytes(of: byte) { send(fd, $0.baseAddress, 1, Int32(MSG_NOSIGNAL)) } }
            }
            return true
        }
    }
}

@Suite struct RESPConnectionTests {
    @Test func commandsGetTheirRepliesInOrderOverARealSocket() throws {
        let server = try FakeRESPServer()
        defer { server.stop() }
        let connection = try RESPConnection(host: "127.0.0.1", port: server.port)
        #expect(try connection.command("PING") == .simpleString("PONG"))
        #expect(try connection.command("NOPE").isError)
        let replies = try connection.pipeline([[Array("FT.SEARCH".utf8)], [Array("PING".utf8)], [Array("FT.SEARCH".utf8)]])
        #expect(try RedisVectorBench.resultIDs(replies[0]) == ["3"])
        #expect(replies[1] == .simpleString("PONG"))
        #expect(try RedisVectorBench.resultIDs(replies[2]) == ["5"])
    }

    @Test func aMalformedReplyIsATypedErrorNotACrash() throws {
        let server = try FakeRESPServer()
        defer { server.stop() }
        let connection = try RESPConnection(host: "127.0.0.1", port: server.port)
        #expect(throws: BenchError.self) { _ = try connection.command("BROKEN") }
        do { _ = try RESPConnection(host: "127.0.0.1", port: server.port).command("BROKEN") } catch {
            #expect(error.code == .protocolViolation)
        }
    }

    @Test func theLoadDriverCountsRESPRepliesInClosedAndOpenLoop() throws {
        let server = try FakeRESPServer()
        defer { server.stop() }
        let frames = (0..<4).map { q in RedisVectorBench.searchCommand(index: "i", k: 10, efRuntime: nil, vector: [Float(q)][...]) }
        let workload = try BenchWorkload(op: .vector, frames: frames + [RESPEncoder.command(["NOPE"])])
        let connections: [any LoadConnection] = try (0..<2).map { _ in try RESPConnection(host: "127.0.0.1", port: server.port) }
        let closed = try LoadDriver.closedLoop(connections, workload: workload, pipeline: 3, seconds: 5, maxRequests: 100)
        #expect(closed.completed == 100)
        #expect(closed.errors == 20) // every fifth request is the unknown command
        #expect(closed.overall.count == 100)
        let open = try LoadDriver.openLoop(try (0..<2).map { _ in try RESPConnection(host: "127.0.0.1", port: server.port) },
                                           workload: workload, schedule: try OpenLoopSchedule(rate: 400, senders: 2), seconds: 0.25)
        #expect(open.completed == 100)
        #expect(open.errors == 20)
    }
}
