import Foundation
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Real loopback sockets: a served snapshot answers exactly what in-process Faiss answers.
@Suite struct EndToEndTests {
    @Test func helloInfoPingStats() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 1)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect(server.port > 0)
        #expect(client.hello.version == 1)
        #expect(client.hello.limits.maximumK == 100)
        #expect(client.hello.snapshotVersion == "v-a")
        #expect(client.hello.views.map(\.name) == ["genre", "item"])
        #expect(client.hello.views.last == ViewDescriptor(name: "item", kind: "flat", dimension: 16, count: 300))
        #expect(client.hello.supportedRequests.contains(.topK))
        #expect(client.hello.supportedRequests.contains(.diverse))
        #expect(try client.ping(payload: [1, 2, 3]) == [1, 2, 3])
        let info = try client.info()
        #expect(info.snapshotVersion == "v-a" && info.views.count == 2 && info.snapshotLoadedAtMillis > 0)
        _ = try client.topK(TopKRequest(view: "item", k: 3, queries: .ids([5])))
        let stats = try client.stats()
        #expect(stats.counter("requests.ping") == 1)
        #expect(stats.counter("requests.topk") == 1)
        #expect(stats.counter("requests.hello") == 1)
        #expect(stats.counter("connections.open") == 1)
        #expect(stats.counter("queries.total") == 1)
        #expect(stats.latencies.contains { $0.name == "latency.topk" && $0.count == 1 && $0.p50 > 0 })
    }

    @Test func everyViewByIDAndVectorSingleAndBatchedEqualsInProcess() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 2)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        var rng = FixtureRNG(state: 99)
        for name in snapshot.viewNames {
            let view = try #require(snapshot.view(named: name))
            let keys = Array(view.keyMap.keys.shuffled(using: &rng).prefix(8))
            for k in [1, 5, 10] {
                // By id, one at a time and batched.
                let vectors = try keys.flatMap { try view.index.reconstruct(id: $0) }
                let expected = try Fixture.expected(view, vectors: vectors, k: k)
                for (i, key) in keys.enumerated() {
                    let reply = try client.topK(TopKRequest(view: name, k: UInt32(k), queries: .ids([key])))
                    #expect(reply.results == [expected[i]])
                }
                let batched = try client.topK(TopKRequest(view: name, k: UInt32(k), queries: .ids(keys)))
                #expect(batched.results == expected)
                // By raw vectors, single and batched.
                let queries = (0..<(4 * view.dimension)).map { _ in Float.random(in: -1...1, using: &rng) }
                let expectedVectors = try Fixture.expected(view, vectors: queries, k: k)
                let single = try client.topK(TopKRequest(view: name, k: UInt32(k),
                                                         queries: .vectors(dimension: view.dimension, values: Array(queries.prefix(view.dimension)))))
                #expect(single.results == [expectedVectors[0]])
                let batch = try client.topK(TopKRequest(view: name, k: UInt32(k), queries: .vectors(dimension: view.dimension, values: queries)))
                #expect(batch.results == expectedVectors)
            }
        }
    }

    @Test func exclusionsAndNames() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 3)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        let view = try #require(snapshot.view(named: "item"))
        let query = try view.index.reconstruct(id: 50)
        let wide = try Fixture.expected(view, vectors: query, k: 20)[0]
        let exclude = Array(wide.ids.dropFirst().prefix(3))
        let reply = try client.topK(TopKRequest(view: "item", k: 10, queries: .ids([50]), exclude: exclude),
                                    flags: [.excludeQueryItems, .includeNames])
        let kept = zip(wide.ids, wide.scores).filter { $0.0 != 50 && !exclude.contains($0.0) }.prefix(10)
        #expect(reply.results[0].ids == kept.map(\.0))
        #expect(reply.results[0].scores == kept.map(\.1))
        let names = try #require(reply.results[0].names)
        #expect(names.map(\.externalID) == kept.map { String($0.0) })
        #expect(names.first?.displayName == "Movie \(kept.first!.0) (v-a)")
        // Non-numeric view: keys are rows, names are the external ids.
        let genre = try client.topK(TopKRequest(view: "genre", k: 3, queries: .ids([0])), flags: .includeNames)
        #expect(genre.results[0].names?.first?.externalID == "Action")
        #expect(genre.results[0].ids.first == 0)
    }

    @Test func requestErrorsKeepTheConnection() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 4)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        func expectError(_ code: ErrorCode, _ request: TopKRequest) {
            #expect { try client.topK(request) } throws: { ($0 as? RPCClientError)?.serverCode == code }
        }
        expectError(.unknownView, TopKRequest(view: "shop", k: 3, queries: .ids([1])))
        expectError(.unknownItem, TopKRequest(view: "item", k: 3, queries: .ids([100_000])))
        expectError(.invalidArgument, TopKRequest(view: "item", k: 0, queries: .ids([1])))
        expectError(.invalidArgument, TopKRequest(view: "item", k: 101, queries: .ids([1])))
        expectError(.invalidArgument, TopKRequest(view: "item", k: 3, queries: .ids(Array(1...65))))
        expectError(.invalidArgument, TopKRequest(view: "item", k: 3, queries: .vectors(dimension: 3, values: [1, 2, 3])))
        expectError(.invalidArgument, TopKRequest(view: "item", k: 3, queries: .vectors(dimension: 16, values: [Float](repeating: .nan, count: 16))))
        // Unknown types are refused, not fatal; DIVERSE on a snapshot without a diversity model is
        // a request-level `model_unavailable`.
        let unknown = try client.send(type: MessageType(rawValue: 0x42), body: [1, 2, 3])
        let refused = try client.receive(requestID: unknown)
        #expect(refused.header.type == .error)
        #expect(try refused.decode(ErrorReply.self).code == .unsupportedMessageType)
        #expect { try client.diverse(DiverseRequest(triggers: [1], k: 3)) } throws: {
            ($0 as? RPCClientError)?.serverCode == .modelUnavailable
        }
        #expect { try client.reload(token: "x") } throws: { ($0 as? RPCClientError)?.serverCode == .adminDisabled }
        #expect(try client.ping(payload: [7]) == [7])
        let stats = try client.stats()
        #expect(stats.counter("errors.invalid_argument") == 5)
        #expect(stats.counter("errors.unsupported_message_type") == 1)
        #expect(stats.counter("errors.model_unavailable") == 1)
        #expect(stats.counter("requests.diverse") == 1)
    }

    @Test func pipelinedRequestsMatchByID() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 5)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        let view = try #require(snapshot.view(named: "item"))
        let requests = (1...120).map { TopKRequest(view: "item", k: UInt32(1 + $0 % 7), queries: .ids([Int64($0)])) }
        let replies = try client.topK(pipelined: requests + [TopKRequest(view: "nope", k: 1, queries: .ids([1]))])
        #expect(replies.count == 121)
        for (request, reply) in zip(requests, replies) {
            guard case .ids(let ids) = request.queries else { continue }
            let expected = try Fixture.expected(view, vectors: view.index.reconstruct(id: ids[0]), k: Int(request.k))
            #expect(try reply.get().results == expected)
        }
        #expect { try replies.last!.get() } throws: { ($0 as? RPCClientError)?.serverCode == .unknownView }
    }

    @Test func framingErrorsSendAnErrorAndClose() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 6)
        let server = try Fixture.server(snapshot: snapshot)
        defer { server.stop(); server.wait() }
        // Malformed TOPK body (truncated): error frame with the request id, then close.
        let raw = try RawClient(port: server.port)
        var bytes = Frame.encode(TopKRequest(view: "item", k: 3, queries: .ids([1, 2])), requestID: 77)
        bytes.removeLast(4)
        bytes[16] -= 4
        try raw.send(bytes)
        let (frames, closed) = raw.readUntilClosed(timeout: 3)
        #expect(closed)
        #expect(frames.count == 1)
        #expect(frames.first?.header.requestID == 77)
        #expect(try frames.first?.decode(ErrorReply.self).code == .malformedBody)
        raw.close()
        // Unsupported header version.
        let old = try RawClient(port: server.port)
        var ping = Frame.encode(PingMessage(), requestID: 1)
        ping[4] = 9
        try old.send(ping)
        let (oldFrames, oldClosed) = old.readUntilClosed(timeout: 3)
        #expect(oldClosed)
        #expect(try oldFrames.first?.decode(ErrorReply.self).code == .unsupportedVersion)
        old.close()
        // HELLO offering only versions this server does not speak.
        let future = try RawClient(port: server.port)
        try future.send(Frame.encode(HelloRequest(minimumVersion: 2, maximumVersion: 3, clientName: "future"), requestID: 4))
        let (futureFrames, futureClosed) = future.readUntilClosed(timeout: 3)
        #expect(futureClosed)
        #expect(futureFrames.first?.header.requestID == 4)
        #expect(try futureFrames.first?.decode(ErrorReply.self).code == .unsupportedVersion)
        future.close()
    }

    @Test func reloadNeedsTheTokenAndSwaps() throws {
        let a = try Fixture.snapshot(version: "v-a", seed: 7)
        let b = try Fixture.snapshot(version: "v-b", seed: 8)
        let configuration = Fixture.configuration { $0.adminToken = "s3cret" }
        let server = try Fixture.server(configuration, snapshot: a) { target in
            if case .path(let path) = target, path == "/broken" { throw ServerError(.snapshot, "no snapshot at /broken") }
            return b
        }
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect { try client.reload(token: "wrong") } throws: { ($0 as? RPCClientError)?.serverCode == .unauthorized }
        #expect { try client.reload(token: "s3cret", target: "/broken") } throws: { ($0 as? RPCClientError)?.serverCode == .reloadFailed }
        #expect(try client.info().snapshotVersion == "v-a")
        let reply = try client.reload(token: "s3cret")
        #expect(reply == ReloadReply(previousVersion: "v-a", newVersion: "v-b"))
        #expect(try client.info().snapshotVersion == "v-b")
        let stats = try client.stats()
        #expect(stats.counter("reloads.ok") == 1 && stats.counter("reloads.failed") == 1)
    }

    @Test func gracefulStopAnswersEverythingInFlight() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 9)
        let server = try Fixture.server(snapshot: snapshot)
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        var ids: [UInt64] = []
        for key in 1...40 { ids.append(try client.send(TopKRequest(view: "item", k: 10, queries: .ids([Int64(key)])))) }
        // Frames are handled in order: once the PONG is back, the server holds all 40 requests.
        let ping = try client.send(PingMessage())
        #expect(try client.receive(requestID: ping).header.type == MessageType.ping.reply)
        server.stop()
        for id in ids { #expect(try client.receive(requestID: id).header.type == TopKReply.messageType) }
        server.wait()
        #expect(throws: RPCClientError.self) { try RPCClient(RPCClient.Options(port: server.port, connectTimeout: 0.5)) }
    }
}

