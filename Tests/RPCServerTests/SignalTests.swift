import Foundation
import Glibc
import Snapshot
import Synchronization
import Testing
@testable import RPCClient
@testable import RPCServer

/// SIGHUP reloads `current`; SIGTERM drains and stops. Raised in-process while the server's
/// libuv signal watchers are installed (the only test that sets `handleSignals`).
@Suite struct SignalTests {
    @Test func hangupReloadsAndTerminateDrains() throws {
        let a = try Fixture.snapshot(version: "v-a", seed: 41)
        let b = try Fixture.snapshot(version: "v-b", seed: 42)
        let loads = Atomic<Int>(0)
        let configuration = Fixture.configuration { $0.handleSignals = true }
        let server = try Fixture.server(configuration, snapshot: a) { target in
            #expect(target == .current)
            loads.add(1, ordering: .relaxed)
            return b
        }
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        kill(getpid(), SIGHUP)
        for _ in 0..<200 where server.snapshotVersion != "v-b" { usleep(10_000) }
        #expect(server.snapshotVersion == "v-b")
        #expect(loads.load(ordering: .relaxed) == 1)
        #expect(try client.info().snapshotVersion == "v-b")
        let stopped = Atomic<Bool>(false)
        Thread.detachNewThread {
            server.wait()
            stopped.store(true, ordering: .relaxed)
        }
        kill(getpid(), SIGTERM)
        for _ in 0..<300 where !stopped.load(ordering: .relaxed) { usleep(10_000) }
        let didStop = stopped.load(ordering: .relaxed)
        #expect(didStop, "SIGTERM did not stop the server")
        #expect(throws: RPCClientError.self) { try client.ping() }
    }
}
