import RPCClient

/// Tells running servers to RELOAD `current` (docs/PROTOCOL.md), one after another.
public struct ServerNotifier: Sendable {
    public var servers: [ServerAddress]
    public var adminToken: String
    public var timeoutSeconds: Double

    public init(servers: [ServerAddress], adminToken: String, timeoutSeconds: Double) {
        self.servers = servers
        self.adminToken = adminToken
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends RELOAD to every server; `expected` (when given) is the version each must report afterwards.
    public func reloadAll(expecting expected: String?) -> [RunReport.Reload] {
        servers.map { reload($0, expecting: expected) }
    }

    /// Asks every server which version it serves and reloads those not serving `expected`
    /// (a run killed between publish and reload left them behind). Servers already current are omitted.
    public func reloadBehind(expecting expected: String) -> [RunReport.Reload] {
        servers.compactMap { server in
            do {
                let client = try RPCClient(RPCClient.Options(host: server.host, port: server.port, connectTimeout: 5,
                                                             requestTimeout: 10, clientName: "m2grl-rebuild", automaticReconnect: false))
                defer { client.close() }
                if try client.info().snapshotVersion == expected { return nil }
            } catch {
                return RunReport.Reload(server: server.description, ok: false, previousVersion: nil, newVersion: nil, error: "\(error)")
            }
            return reload(server, expecting: expected)
        }
    }

    func reload(_ server: ServerAddress, expecting expected: String?) -> RunReport.Reload {
        do {
            let client = try RPCClient(RPCClient.Options(host: server.host, port: server.port, connectTimeout: 5,
                                                         requestTimeout: timeoutSeconds, clientName: "m2grl-rebuild",
                                                         automaticReconnect: false))
            defer { client.close() }
            let reply = try client.reload(token: adminToken, target: "current")
            if let expected, reply.newVersion != expected {
                return RunReport.Reload(server: server.description, ok: false, previousVersion: reply.previousVersion,
                                        newVersion: reply.newVersion,
                                        error: "server loaded \(reply.newVersion), expected \(expected) (is it serving another snapshot root?)")
            }
            return RunReport.Reload(server: server.description, ok: true, previousVersion: reply.previousVersion,
                                    newVersion: reply.newVersion, error: nil)
        } catch {
            return RunReport.Reload(server: server.description, ok: false, previousVersion: nil, newVersion: nil, error: "\(error)")
        }
    }
}
