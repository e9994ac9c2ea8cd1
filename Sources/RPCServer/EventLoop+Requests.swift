import Foundation
import Snapshot
import WireProtocol

extension EventLoop {
    /// Answers one decoded frame: inline for HELLO, PING, INFO, STATS and errors; TOPK goes to the
    /// worker pool, DIVERSE to the diversity workers and RELOAD to a loader thread.
    func dispatch(_ frame: Frame, from connection: Connection, receivedAt: UInt64) {
        let type = frame.header.type
        let requestID = frame.header.requestID
        stats.countRequest(type)
        do {
            switch type {
            case .ping:
                var bytes = frame.bytes
                bytes[5] = MessageType.ping.reply.rawValue
                reply(bytes, type: type, to: connection, receivedAt: receivedAt)
            case .topK:
                let request = try frame.decode(TopKRequest.self)
                try admit(connection)
                let snapshot = store.snapshot
                // Clamped to the limits: the executor refuses larger requests, and an unclamped
                // k = 2^32 - 1 once reserved ~1.7e17 bytes (or overflowed Int with big batches).
                let reserved = ReplyEstimate.topK(queries: min(request.queries.count, configuration.maxBatch),
                                                  k: min(Int(request.k), configuration.maxK),
                                                  viewCount: snapshot.view(named: request.view)?.count,
                                                  names: frame.header.flags.contains(.includeNames))
                connection.inFlight += 1
                connection.reservedReplyBytes += reserved
                let job = SearchJob(connectionID: connection.id, requestID: requestID, flags: frame.header.flags,
                                    request: request, snapshot: snapshot, receivedAt: receivedAt,
                                    reservedBytes: reserved, cancellation: connection.cancellation)
                if !jobs.push(job) {
                    connection.inFlight -= 1
                    connection.reservedReplyBytes -= reserved
                    throw WireProtocolError(.shuttingDown, "server is shutting down")
                }
                jobsOut += 1
                startSpinning()
            case .diverse:
                let request = try frame.decode(DiverseRequest.self)
                try admit(connection)
                let reserved = ReplyEstimate.diverse(k: min(Int(request.k), configuration.maxK),
                                                     names: frame.header.flags.contains(.includeNames))
                connection.inFlight += 1
                connection.reservedReplyBytes += reserved
                let current = store.state
                let job = DiverseJob(connectionID: connection.id, requestID: requestID, flags: frame.header.flags,
                                     request: request, snapshot: current.snapshot, catalog: current.diverse, receivedAt: receivedAt,
                                     reservedBytes: reserved, cancellation: connection.cancellation)
                if !diverseJobs.push(job) {
                    connection.inFlight -= 1
                    connection.reservedReplyBytes -= reserved
                    throw WireProtocolError(.shuttingDown, "server is shutting down")
                }
            case .hello:
                let hello = try frame.decode(HelloRequest.self)
                guard hello.minimumVersion <= 1, hello.maximumVersion >= 1 else {
                    fail(connection, WireProtocolError(.unsupportedVersion,
                                                       "client speaks \(hello.minimumVersion)...\(hello.maximumVersion), server speaks 1"),
                         requestID: requestID)
                    return
                }
                reply(Frame.encode(helloReply(), requestID: requestID, capacity: 256), type: type, to: connection, receivedAt: receivedAt)
            case .info:
                _ = try frame.decode(InfoRequest.self)
                let current = store.state
                let info = InfoReply(serverName: configuration.serverName, snapshotVersion: current.snapshot.version,
                                     snapshotLoadedAtMillis: current.loadedAtMillis, views: Self.describe(current.snapshot))
                reply(Frame.encode(info, requestID: requestID, capacity: 256), type: type, to: connection, receivedAt: receivedAt)
            case .stats:
                _ = try frame.decode(StatsRequest.self)
                let uptime = (monotonicNanoseconds() &- startedAt) / 1_000_000
                let body = stats.reply(snapshotVersion: store.snapshot.version, uptimeMillis: uptime)
                reply(Frame.encode(body, requestID: requestID, capacity: 2048), type: type, to: connection, receivedAt: receivedAt)
            case .reload:
                let request = try frame.decode(ReloadRequest.self)
                guard !configuration.adminToken.isEmpty else {
                    throw WireProtocolError(.adminDisabled, "RELOAD is disabled: no admin token is configured")
                }
                guard Self.constantTimeEquals(request.token, configuration.adminToken) else {
                    throw WireProtocolError(.unauthorized, "wrong admin token")
                }
                try admit(connection)
                guard startReload(ReloadTarget(request.target), replyTo: (connection.id, requestID, receivedAt)) else {
                    throw WireProtocolError(.reloadFailed, "\(reloadsPending) reloads are already pending (at most \(Self.maximumPendingReloads)); the current snapshot keeps serving, retry when they finish")
                }
                connection.inFlight += 1 // the reply comes through the inbox, on this thread, later
            default:
                throw WireProtocolError(.unsupportedMessageType, "message type 0x\(String(type.rawValue, radix: 16)) (\(type.name)) is not supported by this server")
            }
        } catch let error as WireProtocolError {
            if error.code.isFraming {
                fail(connection, error, requestID: requestID)
            } else {
                stats.countError(error.code)
                reply(Frame.encode(ErrorReply(error), requestID: requestID), type: type, to: connection, receivedAt: receivedAt)
            }
        } catch {
            stats.countError(.internalError)
            reply(Frame.encode(ErrorReply(code: .internalError, message: "\(error)"), requestID: requestID), type: type,
                  to: connection, receivedAt: receivedAt)
        }
    }

    private func reply(_ bytes: [UInt8], type: MessageType, to connection: Connection, receivedAt: UInt64) {
        bytes.withUnsafeBytes { reply(raw: $0, type: type, to: connection, receivedAt: receivedAt) }
    }

    /// Sends a reply and records the request's latency (from `receivedAt`) under `type`.
    func reply(raw bytes: UnsafeRawBufferPointer, type: MessageType, to connection: Connection, receivedAt: UInt64) {
        send(raw: bytes, to: connection)
        stats.recordLatency(type, nanoseconds: monotonicNanoseconds() &- receivedAt)
    }

    /// Refuses new work while draining or past the connection's in-flight limit.
    func admit(_ connection: Connection) throws {
        guard state == .running else { throw WireProtocolError(.shuttingDown, "server is shutting down") }
        guard connection.inFlight < configuration.maxInFlightPerConnection else {
            throw WireProtocolError(.tooManyInFlight, "more than \(configuration.maxInFlightPerConnection) requests in flight")
        }
    }

    func helloReply() -> HelloReply {
        let snapshot = store.snapshot
        let limits = ServerLimits(maximumFrameSize: UInt32(configuration.maxFrameBytes), maximumK: UInt32(configuration.maxK),
                                  maximumBatch: UInt32(configuration.maxBatch),
                                  maximumInFlight: UInt32(configuration.maxInFlightPerConnection))
        return HelloReply(version: 1, limits: limits, supportedRequests: MessageType.version1Requests,
                          serverName: configuration.serverName, snapshotVersion: snapshot.version, views: Self.describe(snapshot))
    }

    static func describe(_ snapshot: LoadedSnapshot) -> [ViewDescriptor] {
        snapshot.viewNames.compactMap { snapshot.view(named: $0) }.map { view in
            ViewDescriptor(name: view.name, kind: view.index.kind.rawValue, dimension: UInt32(view.dimension), count: UInt64(view.count))
        }
    }

    /// Reloads waiting or loading at once (each on its own thread; loads run one at a time). More
    /// RELOAD requests are answered `reload_failed` (and SIGHUPs skipped) until some finish.
    static let maximumPendingReloads = 4

    /// Loads a snapshot on its own thread and swaps it in; replies (if asked) through the inbox.
    /// Returns `false` (and starts nothing) when `maximumPendingReloads` are already pending.
    @discardableResult
    func startReload(_ target: ReloadTarget, replyTo: (connectionID: UInt64, requestID: UInt64, receivedAt: UInt64)?) -> Bool {
        let store = self.store
        let logger = self.logger
        guard reloadsPending < Self.maximumPendingReloads else {
            logger.warning("reload skipped: reloads already pending", metadata: ["pending": "\(reloadsPending)"])
            return false
        }
        reloadsPending += 1
        logger.info("reloading snapshot", metadata: ["target": "\(target)"])
        NativeThread(name: "m2grl-reload") { [self] in
            let bytes: [UInt8]
            let code: ErrorCode?
            do {
                let (previous, new) = try store.reload(target)
                logger.info("snapshot swapped", metadata: ["previous": "\(previous)", "new": "\(new)"])
                bytes = Frame.encode(ReloadReply(previousVersion: previous, newVersion: new), requestID: replyTo?.requestID ?? 0)
                code = nil
            } catch {
                logger.error("reload failed; keeping the current snapshot", metadata: ["target": "\(target)", "error": "\(error)"])
                bytes = Frame.encode(ErrorReply(code: .reloadFailed, message: "cannot load \(target): \(error)"),
                                     requestID: replyTo?.requestID ?? 0)
                code = .reloadFailed
            }
            post(.completion(Completion(connectionID: replyTo?.connectionID ?? 0, requestType: .reload, bytes: bytes,
                                        error: code, receivedAt: replyTo?.receivedAt ?? monotonicNanoseconds(), queryCount: 0,
                                        reloadSucceeded: code == nil)))
        }.detach()
        return true
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
