/// PING request and PONG reply: an opaque payload echoed unchanged.
public struct PingMessage: WireMessage, Equatable {
    public static let messageType = MessageType.ping
    public static let isStrict = false
    public var payload: [UInt8]

    public init(payload: [UInt8] = []) { self.payload = payload }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        payload = Array(reader.readRest())
    }

    public func encode(into writer: inout ByteWriter) { writer.write(bytes: payload) }
}

/// INFO request: an empty body.
public struct InfoRequest: WireMessage, Equatable {
    public static let messageType = MessageType.info
    public init() {}
    public init(from reader: inout ByteReader) throws(WireProtocolError) {}
    public func encode(into writer: inout ByteWriter) {}
}

/// INFO reply: the served snapshot and its views.
public struct InfoReply: WireMessage, Equatable {
    public static let messageType = MessageType.info.reply
    public var serverName: String
    public var snapshotVersion: String
    /// When the snapshot was swapped in, in milliseconds since 1970.
    public var snapshotLoadedAtMillis: UInt64
    public var views: [ViewDescriptor]

    public init(serverName: String, snapshotVersion: String, snapshotLoadedAtMillis: UInt64, views: [ViewDescriptor]) {
        self.serverName = serverName
        self.snapshotVersion = snapshotVersion
        self.snapshotLoadedAtMillis = snapshotLoadedAtMillis
        self.views = views
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        serverName = try reader.readString()
        snapshotVersion = try reader.readString()
        snapshotLoadedAtMillis = try reader.readU64()
        views = try ViewDescriptor.readList(&reader)
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(serverName)
        writer.write(snapshotVersion)
        writer.write(snapshotLoadedAtMillis)
        ViewDescriptor.writeList(views, into: &writer)
    }
}

/// RELOAD request: the admin token and what to load — `current` (the configured snapshot path,
/// re-resolved) or a snapshot directory path.
public struct ReloadRequest: WireMessage, Equatable {
    public static let messageType = MessageType.reload
    public var token: String
    public var target: String

    public init(token: String, target: String = "current") {
        self.token = token
        self.target = target
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        token = try reader.readString()
        target = try reader.readString()
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(token)
        writer.write(target)
    }
}

/// RELOAD reply: the snapshot versions before and after the swap.
public struct ReloadReply: WireMessage, Equatable {
    public static let messageType = MessageType.reload.reply
    public var previousVersion: String
    public var newVersion: String

    public init(previousVersion: String, newVersion: String) {
        self.previousVersion = previousVersion
        self.newVersion = newVersion
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        previousVersion = try reader.readString()
        newVersion = try reader.readString()
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(previousVersion)
        writer.write(newVersion)
    }
}

/// ERROR reply: a code and a short message. The header echoes the failed request's id (0 when the
/// failure cannot be attributed to a request, e.g. bad magic).
public struct ErrorReply: WireMessage, Equatable {
    public static let messageType = MessageType.error
    public static let isStrict = false
    public var code: ErrorCode
    public var message: String

    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: WireProtocolError) { self.init(code: error.code, message: error.message) }

    /// The longest message sent, in UTF-8 bytes (messages quote client input, e.g. a view name).
    public static let maximumMessageBytes = 512

    /// `text` cut at a character boundary to at most `bytes` UTF-8 bytes.
    static func capped(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count > bytes { break }
            result.append(character)
        }
        return result
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        code = ErrorCode(rawValue: try reader.readU16())
        message = try reader.readString()
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(code.rawValue)
        writer.write(Self.capped(message, bytes: Self.maximumMessageBytes))
    }
}
