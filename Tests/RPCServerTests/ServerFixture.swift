import Foundation
import Glibc
import Logging
import M2GRLCore
import Snapshot
import Synchronization
import VectorIndex
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Deterministic random numbers for fixtures.
struct FixtureRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Fixture {
    static let itemCount = 300
    static let itemDimension = 16
    static let genres = ["Action", "Adventure", "Animation", "Comedy", "Crime", "Drama", "Fantasy", "Horror", "Romance", "Thriller"]

    /// A real in-memory snapshot: an `item` view with numeric ids 1...300 (Flat), a `genre` view
    /// with string ids (keys are row numbers), and item display names.
    static func snapshot(version: String, seed: UInt64) throws -> LoadedSnapshot {
        var rng = FixtureRNG(state: seed)
        let itemIDs = (1...itemCount).map(String.init)
        let itemIndex = try VectorIndex(factory: "Flat", dimension: itemDimension)
        let itemVectors = (0..<(itemCount * itemDimension)).map { _ in Float.random(in: -1...1, using: &rng) }
        let itemMap = ViewKeyMap(externalIDs: itemIDs)
        try itemIndex.add(itemVectors, ids: itemMap.keys)
        let genreIndex = try VectorIndex(factory: "Flat", dimension: 8)
        let genreMap = ViewKeyMap(externalIDs: genres)
        try genreIndex.add((0..<(genres.count * 8)).map { _ in Float.random(in: -1...1, using: &rng) }, ids: genreMap.keys)
        let items = itemIDs.map { ItemMetadata(id: $0, displayName: "Movie \($0) (\(version))") }
        return LoadedSnapshot(version: version, views: [
            ServedView(name: "item", kind: .view, index: itemIndex, keyMap: itemMap),
            ServedView(name: "genre", kind: .view, index: genreIndex, keyMap: genreMap),
        ], items: items)
    }

    /// Test configuration: ephemeral port on loopback, two workers, short timeouts.
    static func configuration(_ adjust: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.workerThreads = 2
        configuration.maxK = 100
        configuration.maxBatch = 64
        configuration.idleTimeoutMilliseconds = 10_000
        configuration.frameDeadlineMilliseconds = 2_000
        configuration.drainTimeoutMilliseconds = 3_000
        adjust(&configuration)
        return configuration
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "m2grl.test")
        logger.logLevel = .error
        return logger
    }()

    /// Starts a server on an ephemeral port.
    static func server(_ configuration: ServerConfiguration = Fixture.configuration(), snapshot: LoadedSnapshot,
                       loader: @escaping SnapshotProvider = { _ in throw ServerError(.snapshot, "no loader in this test") }) throws -> RPCServer {
        let server = RPCServer(configuration: configuration, snapshot: snapshot, loader: loader, logger: quietLogger)
        try server.start()
        return server
    }

    /// The in-process answer: Faiss top-k of `vectors` in `view`, as a TOPK result list.
    static func expected(_ view: ServedView, vectors: [Float], k: Int) throws -> [TopKResult] {
        let result = try view.index.search(vectors, k: k)
        return (0..<result.queryCount).map { q in
            let pairs = result.neighbors(ofQuery: q)
            return TopKResult(ids: pairs.map(\.id), scores: pairs.map(\.score))
        }
    }

    /// Raises RLIMIT_NOFILE's soft limit to its hard limit (for many-connection tests).
    static func raiseFileLimit(to wanted: UInt64 = 8192) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let target = min(limit.rlim_max, max(limit.rlim_cur, rlim_t(wanted)))
        if target > limit.rlim_cur {
            limit.rlim_cur = target
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

/// A raw socket for hostile-client tests: send anything, read whatever comes back.
struct RawClient {
    let socket: ClientSocket

    /// `receiveBuffer` caps the socket's receive buffer (SO_RCVBUF, which also turns off the
    /// kernel's autotuning), so replies back up at the server after a known number of bytes
    /// instead of after whatever loopback autotuning allows (tens of MB).
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        socket = try ClientSocket.connect(host: "127.0.0.1", port: port, timeout: 2)
        if var size = receiveBuffer {
            setsockopt(socket.descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// The most reply bytes the kernel can absorb between a server and a client with
    /// `receiveBuffer`: the server's send buffer at its autotuning maximum (`tcp_wmem`) plus the
    /// client's receive buffer (the kernel doubles SO_RCVBUF for bookkeeping).
    static func kernelBufferedBytes(receiveBuffer: Int32) -> Int {
        let wmem = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? 4 << 20
        return wmem + 2 * Int(receiveBuffer)
    }

    func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try socket.sendAll($0, deadline: ClientSocket.now() + 2) }
    }

    /// Reads frames until the server closes the connection or `timeout` passes; returns the
    /// frames and whether the connection was closed by the server.
    func readUntilClosed(timeout: Double) -> (frames: [Frame], closed: Bool) {
        var decoder = FrameDecoder(maximumBodyLength: 1 << 24)
        var frames: [Frame] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ClientSocket.now() + timeout
        while true {
            do {
                let n = try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: deadline) }
                decoder.feed(buffer[0..<n])
                while let frame = try decoder.next() { frames.append(frame) }
            } catch let error as RPCClientError {
                return (frames, error.code == .connectionClosed)
            } catch {
                return (frames, false)
            }
        }
    }

    func close() { socket.close() }
}

/// Runs `body` on a background thread until `stop` is set; collects its failures.
final class BackgroundQuerier: Sendable {
    let stopFlag = Atomic<Bool>(false)
    let successes = Atomic<Int>(0)
    let failures = Mutex<[String]>([])
    private let done = Mutex<Bool>(false)

    func run(_ body: @escaping @Sendable () throws -> Void) {
        Thread.detachNewThread { [self] in
            while !stopFlag.load(ordering: .relaxed) {
                do {
                    try body()
                    successes.add(1, ordering: .relaxed)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            done.withLock { $0 = true }
        }
    }

    /// Stops and waits (bounded) for the thread to finish.
    func stop() {
        stopFlag.store(true, ordering: .relaxed)
        for _ in 0..<500 where !done.withLock({ $0 }) { usleep(10_000) }
    }
}
