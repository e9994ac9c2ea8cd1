import ArgumentParser
import Foundation
import RPCClient
import WireProtocol

/// `m2grl query`: top-K from a running server, by item id or raw vector.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask a running `m2grl serve` for the top-K items of a view.",
        discussion: """
            Item ids are the view's 64-bit keys: the id itself when all ids of the view are integers
            (MovieLens items), otherwise the row number. Examples:
              m2grl query --view item --id 50 -k 10
              m2grl query --view item --id 50 --id 181 -k 5 --json
              m2grl query --view genre --vector 0.1,0.2,... -k 3
              m2grl query --info      m2grl query --stats
              m2grl query --diverse --id 50 -k 10 --w-item 1 --w-category -1 --exclude-category Comedy
            DIVERSE (--diverse): the --id values are the trigger(s); results are ranked by
            w_item·d_i + w_category·d_ic of the diversity model, minus --exclude-category and --exclude.
            """
    )

    @Option(help: "Server address (default: M2GRL_SERVER_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Server port (default: M2GRL_SERVER_PORT or 7700).") var port: Int?
    @Option(help: "View to search.") var view = "item"
    @Option(name: .customLong("id"), help: "Query item key (repeatable: one batched request).") var ids: [Int64] = []
    @Option(name: .customLong("vector"), help: "Query vector as comma-separated floats (repeatable).") var vectors: [String] = []
    @Option(name: .short, help: "Results per query.") var k: UInt32 = 10
    @Option(name: .customLong("exclude"), help: "Item key to leave out of the results (repeatable).") var exclude: [Int64] = []
    @Flag(help: "Keep each query item in its own results.") var includeQuery = false
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print the server's HELLO (limits, views, snapshot) instead of querying.") var info = false
    @Flag(help: "Print the server's counters and latency summaries instead of querying.") var stats = false
    @Option(help: "Seconds to wait for a reply.") var timeout: Double = 5
    @Flag(help: "DIVERSE: rank by the diversity metric from the --id trigger(s).") var diverse = false
    @Option(name: .customLong("w-item"), parsing: .unconditional, help: "DIVERSE: weight of the item distance d_i.") var itemWeight: Float = 1
    @Option(name: .customLong("w-category"), parsing: .unconditional, help: "DIVERSE: weight of the category distance d_ic (negative: away from the trigger's categories).")
    var categoryWeight: Float = 1
    @Option(name: .customLong("exclude-category"), help: "DIVERSE: category whose items are left out (repeatable).")
    var excludeCategories: [String] = []

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let options = RPCClient.Options(host: host ?? environment["M2GRL_SERVER_HOST"] ?? "127.0.0.1",
                                        port: port ?? environment["M2GRL_SERVER_PORT"].flatMap(Int.init) ?? 7700,
                                        connectTimeout: timeout, requestTimeout: timeout, clientName: "m2grl-query")
        let client = try RPCClient(options)
        if info { return printHello(client.hello) }
        if stats { return printStats(try client.stats()) }
        if diverse { return try runDiverse(client) }
        guard excludeCategories.isEmpty else { throw ValidationError("--exclude-category needs --diverse") }
        let queries: TopKQueries
        if !ids.isEmpty && vectors.isEmpty {
            queries = .ids(ids)
        } else if ids.isEmpty && !vectors.isEmpty {
            let rows = try vectors.map { text -> [Float] in
                let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
                guard !values.isEmpty, !values.contains(nil) else { throw ValidationError("--vector needs comma-separated numbers, got '\(text)'") }
                return values.map { $0! }
            }
            guard Set(rows.map(\.count)).count == 1 else { throw ValidationError("all --vector values need the same dimension") }
            queries = .vectors(dimension: rows[0].count, values: rows.flatMap { $0 })
        } else {
            throw ValidationError("give either --id or --vector (one or more)")
        }
        let request = TopKRequest(view: view, k: k, queries: queries, exclude: exclude)
        let flags: FrameFlags = includeQuery ? [.includeNames] : [.includeNames, .excludeQueryItems]
        let reply = try client.topK(request, flags: flags)
        let version = client.hello.snapshotVersion
        print(json ? ReplyFormatting.json(reply, request: request, snapshotVersion: version)
                   : ReplyFormatting.text(reply, request: request, snapshotVersion: version))
    }

    private func runDiverse(_ client: RPCClient) throws {
        guard !ids.isEmpty, vectors.isEmpty else { throw ValidationError("--diverse needs one or more --id triggers (no --vector)") }
        let request = DiverseRequest(triggers: ids, k: k, itemWeight: itemWeight, categoryWeight: categoryWeight,
                                     excludeCategories: excludeCategories, excludeItems: exclude)
        let reply = try client.diverse(request, includeNames: true)
        let version = client.hello.snapshotVersion
        print(json ? DiverseReplyFormatting.json(reply, request: request, snapshotVersion: version)
                   : DiverseReplyFormatting.text(reply, request: request, snapshotVersion: version))
    }

    private func printHello(_ hello: HelloReply) {
        print("server \(hello.serverName) · protocol v\(hello.version) · snapshot \(hello.snapshotVersion)")
        print("limits: frame \(hello.limits.maximumFrameSize) B, k ≤ \(hello.limits.maximumK), batch ≤ \(hello.limits.maximumBatch), in-flight ≤ \(hello.limits.maximumInFlight)")
        for view in hello.views { print("view \(view.name): \(view.kind), dimension \(view.dimension), \(view.count) items") }
    }

    private func printStats(_ stats: StatsReply) {
        print("snapshot \(stats.snapshotVersion) · uptime \(stats.uptimeMillis / 1000) s")
        for counter in stats.counters where counter.value > 0 { print("\(counter.name) \(counter.value)") }
        for latency in stats.latencies {
            print("\(latency.name) count \(latency.count) p50 \(latency.p50 / 1000) µs p99 \(latency.p99 / 1000) µs p999 \(latency.p999 / 1000) µs max \(latency.max / 1000) µs")
        }
    }
}
