import Foundation
import Testing
@testable import RPCServer

@Suite struct ConfigurationTests {
    @Test func tomlThenEnvironment() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(tomlText: """
            # comment
            [server]
            host = "0.0.0.0"   # all interfaces
            port = 7801
            max_k = 50
            admin_token = "a#b"
            [other]
            port = 1
            """)
        #expect(configuration.host == "0.0.0.0" && configuration.port == 7801 && configuration.maxK == 50)
        #expect(configuration.adminToken == "a#b")
        try configuration.apply(environment: ["M2GRL_SERVER_PORT": "7900", "M2GRL_SERVER_MAX_BATCH": "12", "HOME": "/"])
        #expect(configuration.port == 7900 && configuration.maxBatch == 12)
    }

    /// A request-buffer budget below one maximum-size frame would shed every such request.
    @Test func aBudgetSmallerThanOneFrameIsRefusedNamingBothKeys() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(tomlText: "[server]\nmax_frame_bytes = 1048576\nmax_buffered_request_bytes = 1048576")
        #expect { try configuration.validate() } throws: { error in
            let error = error as? ServerError
            return error?.code == .configuration && error!.message.contains("max_buffered_request_bytes")
                && error!.message.contains("max_frame_bytes")
        }
        #expect { try Fixture.server(configuration, snapshot: try Fixture.snapshot(version: "v-a", seed: 1)) } throws: {
            ($0 as? ServerError)?.code == .configuration
        }
        configuration.maxBufferedRequestBytes = 1_048_576 + 64
        try configuration.validate()
        try ServerConfiguration().validate()
    }

    @Test func badValuesAreTypedErrors() {
        var configuration = ServerConfiguration()
        #expect { try configuration.apply(tomlText: "[server]\nport = 70000") } throws: { ($0 as? ServerError)?.code == .configuration }
        #expect { try configuration.apply(tomlText: "[server]\nmystery = 1") } throws: { ($0 as? ServerError)?.code == .configuration }
        #expect { try configuration.apply(tomlText: "[server\nport = 1") } throws: { ($0 as? ServerError)?.code == .configuration }
        #expect { try configuration.apply(environment: ["M2GRL_SERVER_MAX_K": "lots"]) } throws: { ($0 as? ServerError)?.code == .configuration }
    }

    @Test func shippedConfigFileParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var configuration = ServerConfiguration()
        try configuration.apply(fileAt: root.appendingPathComponent("Config/server.toml"))
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.spinMicroseconds == 50 && configuration.loopSpinMicroseconds == 200)
        #expect(configuration.inlineBudgetMicroseconds == ServerConfiguration().inlineBudgetMicroseconds)
        #expect(configuration.inlineMaxQueries == 16 && configuration.inlineFlatMaxItems == 20_000)
    }

    @Test func inlineSettings() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(tomlText: "[server]\ninline_budget_us = 0\ninline_max_queries = 4\ninline_flat_max_items = 1000")
        #expect(configuration.inlineBudgetMicroseconds == 0 && configuration.inlineMaxQueries == 4 && configuration.inlineFlatMaxItems == 1000)
        try configuration.apply(environment: ["M2GRL_SERVER_INLINE_BUDGET_US": "350", "M2GRL_SERVER_INLINE_SPIN_US": "40"])
        #expect(configuration.inlineBudgetMicroseconds == 350 && configuration.inlineSpinMicroseconds == 40)
        #expect { try configuration.apply(tomlText: "[server]\ninline_max_queries = 0") } throws: { ($0 as? ServerError)?.code == .configuration }
    }

    @Test func spinSettings() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(tomlText: "[server]\nspin_us = 0\nloop_spin_us = 75")
        #expect(configuration.spinMicroseconds == 0 && configuration.loopSpinMicroseconds == 75)
        try configuration.apply(environment: ["M2GRL_SERVER_SPIN_US": "30"])
        #expect(configuration.spinMicroseconds == 30)
        #expect { try configuration.apply(tomlText: "[server]\nspin_us = 20000") } throws: { ($0 as? ServerError)?.code == .configuration }
    }

    @Test func bindFailureIsTyped() throws {
        let snapshot = try Fixture.snapshot(version: "v", seed: 1)
        let first = try Fixture.server(snapshot: snapshot)
        defer { first.stop(); first.wait() }
        let second = RPCServer(configuration: Fixture.configuration { $0.port = first.port }, snapshot: snapshot,
                               loader: { _ in snapshot }, logger: Fixture.quietLogger)
        #expect { try second.start() } throws: { ($0 as? ServerError)?.code == .bind }
    }

    @Test func latencyHistogramQuantiles() {
        var histogram = LatencyHistogram()
        for value in 1...10_000 { histogram.record(UInt64(value) * 1000) }
        let p50 = Double(histogram.quantile(0.5)), p99 = Double(histogram.quantile(0.99))
        #expect(abs(p50 - 5_000_000) / 5_000_000 < 0.07)
        #expect(abs(p99 - 9_900_000) / 9_900_000 < 0.07)
        #expect(histogram.quantile(1) == 10_000_000)
        for value: UInt64 in [0, 1, 15, 16, 17, 1 << 40, .max] {
            #expect(LatencyHistogram.upperBound(of: LatencyHistogram.bucket(of: value)) >= value)
        }
    }
}
