import Foundation
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Per-connection limits from the configuration.
@Suite struct LimitsTests {
    @Test func inFlightLimitRefusesExcessButKeepsTheConnection() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 61)
        let server = try Fixture.server(Fixture.configuration { $0.maxInFlightPerConnection = 2 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        #expect(client.hello.limits.maximumInFlight == 2)
        // 50 requests in one write: the loop decodes them in one go, before any search returns.
        let requests = (1...50).map { TopKRequest(view: "item", k: 10, queries: .ids([Int64($0)])) }
        let replies = try client.topK(pipelined: requests)
        #expect(replies.count == 50)
        let refused = replies.filter { if case .failure(let e) = $0 { e.serverCode == .tooManyInFlight } else { false } }.count
        let answered = replies.filter { if case .success = $0 { true } else { false } }.count
        #expect(refused > 0)
        #expect(answered >= 2)
        #expect(refused + answered == 50)
        #expect(try client.ping(payload: [1]) == [1])
        #expect(try client.stats().counter("errors.too_many_in_flight") == UInt64(refused))
    }

    @Test func idleConnectionsAreClosed() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 62)
        let server = try Fixture.server(Fixture.configuration { $0.idleTimeoutMilliseconds = 300 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let raw = try RawClient(port: server.port)
        let started = ClientSocket.now()
        let (frames, closed) = raw.readUntilClosed(timeout: 3)
        raw.close()
        #expect(closed && frames.isEmpty)
        #expect(ClientSocket.now() - started < 2)
        // A client that reconnects automatically carries on.
        let client = try RPCClient(port: server.port)
        usleep(700_000)
        #expect(try client.ping(payload: [5]) == [5])
    }

    @Test func clientTimesOutWithATypedError() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 63)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, requestTimeout: 0.2, automaticReconnect: false))
        // A reply that never comes: wait for a request id that was never sent.
        #expect { try client.receive(requestID: 999) } throws: { ($0 as? RPCClientError)?.code == .timeout }
    }
}
