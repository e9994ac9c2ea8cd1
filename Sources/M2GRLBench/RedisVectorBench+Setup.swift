import Foundation
import M2GRLCore

extension RedisVectorBench {
    /// `FT.INFO` as a key → value map, or nil when the index does not exist.
    static func indexInfo(_ connection: RESPConnection, _ name: String) throws(BenchError) -> [String: RESPValue]? {
        let reply = try connection.command("FT.INFO", name)
        if case .error(let message) = reply {
            if message.lowercased().contains("unknown index") || message.lowercased().contains("no such index") { return nil }
            throw BenchError(.server, "FT.INFO \(name): \(message)")
        }
        guard case .array(let items?) = reply else { throw BenchError(.protocolViolation, "FT.INFO reply is not an array") }
        var info: [String: RESPValue] = [:]
        var i = 0
        while i + 1 < items.count {
            if let key = items[i].text { info[key] = items[i + 1] }
            i += 2
        }
        return info
    }

    /// Loads the base vectors as hashes `v:<row>` (field `v`, float32 blob), creates the index and
    /// waits until background indexing is done. Returns build facts for the report.
    func createIndex(_ connection: RESPConnection, base: URL) throws(BenchError) -> [String: Any] {
        let o = options
        let table: EmbeddingTable
        do { table = try EmbeddingFileFormat.read(from: base, name: "base") } catch {
            throw BenchError(.io, "cannot read base vectors \(base.path): \(error)")
        }
        guard table.dimension == dataset.dimension else {
            throw BenchError(.invalidArgument, "base has dimension \(table.dimension), queries \(dataset.dimension)")
        }
        let loadStart = monotonicNanos()
        let d = table.dimension
        // Another index over the same hashes (e.g. idx_flat before idx_hnsw) already loaded them:
        // rewriting them would only make Redis re-index that one too.
        var row = try connection.command("DBSIZE").integerValue == Int64(table.count) ? table.count : 0
        if row > 0 { log("\(row) keys already in Redis: not reloading") }
        while row < table.count {
            let end = min(table.count, row + 1000)
            var commands: [[[UInt8]]] = []
            for r in row..<end {
                var blob: [UInt8] = []
                blob.reserveCapacity(d * 4)
                for v in table.values[(r * d)..<((r + 1) * d)] { withUnsafeBytes(of: v.bitPattern.littleEndian) { blob += $0 } }
                commands.append([Array("HSET".utf8), Array("v:\(r)".utf8), Array("v".utf8), blob])
            }
            for reply in try connection.pipeline(commands) where reply.isError {
                throw BenchError(.server, "HSET failed: \(reply.text ?? "\(reply)")")
            }
            row = end
            if row % 100_000 == 0 || row == table.count { log("loaded \(row)/\(table.count) vectors into Redis") }
        }
        let loadSeconds = Double(monotonicNanos() - loadStart) / 1e9
        var arguments = ["TYPE", "FLOAT32", "DIM", "\(d)", "DISTANCE_METRIC", "IP"]
        if o.algorithm == "HNSW" { arguments += ["M", "\(o.m)", "EF_CONSTRUCTION", "\(o.efConstruction)"] }
        let buildStart = monotonicNanos()
        let created = try connection.command(["FT.CREATE", o.indexName, "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA", "v", "VECTOR",
                                              o.algorithm, "\(arguments.count)"].map { Array($0.utf8) } + arguments.map { Array($0.utf8) })
        if case .error(let message) = created { throw BenchError(.server, "FT.CREATE \(o.indexName): \(message)") }
        var lastLog = monotonicNanos()
        while true {
            guard let info = try Self.indexInfo(connection, o.indexName) else { throw BenchError(.server, "index \(o.indexName) vanished") }
            if info["indexing"]?.integerValue == 0 { break }
            if monotonicNanos() - lastLog > 10_000_000_000 {
                lastLog = monotonicNanos()
                let elapsed = Double(lastLog - buildStart) / 1e9
                log(String(format: "indexing %@: %@ done after %.0f s", o.indexName, info["percent_indexed"]?.text ?? "?", elapsed))
            }
            usleep(200_000)
        }
        let buildSeconds = Double(monotonicNanos() - buildStart) / 1e9
        log(String(format: "%@: loaded in %.1f s, indexed in %.1f s", o.indexName, loadSeconds, buildSeconds))
        return ["load_seconds": (loadSeconds * 100).rounded() / 100, "build_seconds": (buildSeconds * 100).rounded() / 100]
    }

    /// redis_version from `INFO server` and the search module's version from `MODULE LIST`.
    static func versions(_ connection: RESPConnection) throws(BenchError) -> [String: String] {
        var versions = ["client": "m2grl bench RESP2 (Swift)"]
        if let text = try connection.command("INFO", "server").text,
           let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("redis_version:") }) {
            versions["redis_server"] = String(line.dropFirst("redis_version:".count))
        }
        if case .array(let modules?) = try connection.command("MODULE", "LIST") {
            for case .array(let fields?) in modules {
                var map: [String: RESPValue] = [:]
                var i = 0
                while i + 1 < fields.count { if let key = fields[i].text { map[key] = fields[i + 1] }; i += 2 }
                if map["name"]?.text == "search", let v = map["ver"]?.integerValue {
                    versions["redisearch"] = "\(v / 10000).\(v / 100 % 100).\(v % 100)"
                }
            }
        }
        return versions
    }
}
