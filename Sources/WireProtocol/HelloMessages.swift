/// HELLO request: the protocol versions the client speaks and a name for logs.
public struct HelloRequest: WireMessage, Equatable {
    public static let messageType = MessageType.hello
    public var minimumVersion: UInt16
    public var maximumVersion: UInt16
    public var clientName: String

    public init(minimumVersion: UInt16 = 1, maximumVersion: UInt16 = 1, clientName: String) {
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.clientName = clientName
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        minimumVersion = try reader.readU16()
        maximumVersion = try reader.readU16()
        clientName = try reader.readString()
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(minimumVersion)
        writer.write(maximumVersion)
        writer.write(clientName)
    }
}

/// The limits a server enforces, announced in its HELLO reply.
public struct ServerLimits: Equatable, Sendable {
    public var maximumFrameSize: UInt32
    public var maximumK: UInt32
    public var maximumBatch: UInt32
    public var maximumInFlight: UInt32

    public init(maximumFrameSize: UInt32, maximumK: UInt32, maximumBatch: UInt32, maximumInFlight: UInt32) {
        self.maximumFrameSize = maximumFrameSize
        self.maximumK = maximumK
        self.maximumBatch = maximumBatch
        self.maximumInFlight = maximumInFlight
    }
}

/// One view of the served snapshot: name, index kind, vector dimension and item count.
public struct ViewDescriptor: Equatable, Sendable {
    public var name: String
    public var kind: String
    public var dimension: UInt32
    public var count: UInt64

    public init(name: String, kind: String, dimension: UInt32, count: UInt64) {
        self.name = name
        self.kind = kind
        self.dimension = dimension
        self.count = count
    }

    init(from reader: inout ByteReader) throws(WireProtocolError) {
        name = try reader.readString()
        kind = try reader.readString()
        dimension = try reader.readU32()
        count = try reader.readU64()
    }

    func encode(into writer: inout ByteWriter) {
        writer.write(name)
        writer.write(kind)
        writer.write(dimension)
        writer.write(count)
    }

    static func readList(_ reader: inout ByteReader) throws(WireProtocolError) -> [ViewDescriptor] {
        let count = Int(try reader.readU16())
        var views: [ViewDescriptor] = []
        views.reserveCapacity(min(count, reader.remaining / 16))
        for _ in 0..<count { views.append(try ViewDescriptor(from: &reader)) }
        return views
    }

    static func writeList(_ views: [ViewDescriptor], into writer: inout ByteWriter) {
        writer.write(UInt16(min(views.count, Int(UInt16.max))))
        for view in views.prefix(Int(UInt16.max)) { view.encode(into: &writer) }
    }
}

/// HELLO reply: the chosen version, the server's limits, the request types it implements and the
/// snapshot it serves.
public struct HelloReply: WireMessage, Equatable {
    public static let messageType = MessageType.hello.reply
    public var version: UInt16
    public var limits: ServerLimits
    public var supportedRequests: [MessageType]
    public var serverName: String
    public var snapshotVersion: String
    public var views: [ViewDescriptor]

    public init(version: UInt16, limits: ServerLimits, supportedRequests: [MessageType], serverName: String,
                snapshotVersion: String, views: [ViewDescriptor]) {
        self.version = version
        self.limits = limits
        self.supportedRequests = supportedRequests
        self.serverName = serverName
        self.snapshotVersion = snapshotVersion
        self.views = views
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        version = try reader.readU16()
        limits = ServerLimits(maximumFrameSize: try reader.readU32(), maximumK: try reader.readU32(),
                              maximumBatch: try reader.readU32(), maximumInFlight: try reader.readU32())
        let typeCount = Int(try reader.readU16())
        var types: [MessageType] = []
        for _ in 0..<typeCount { types.append(MessageType(rawValue: try reader.readU8())) }
        supportedRequests = types
        serverName = try reader.readString()
        snapshotVersion = try reader.readString()
        views = try ViewDescriptor.readList(&reader)
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(version)
        writer.write(limits.maximumFrameSize)
        writer.write(limits.maximumK)
        writer.write(limits.maximumBatch)
        writer.write(limits.maximumInFlight)
        writer.write(UInt16(supportedRequests.count))
        for type in supportedRequests { writer.write(type.rawValue) }
        writer.write(serverName)
        writer.write(snapshotVersion)
        ViewDescriptor.writeList(views, into: &writer)
    }
}
