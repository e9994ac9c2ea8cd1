/// What to do with a malformed line.
public enum ErrorPolicy: String, Sendable, CaseIterable, Codable {
    /// Count and report it, then carry on.
    case skip
    /// Stop with a `malformedLine` error.
    case fail
}

/// How raw log lines are cleaned while reading.
public struct LogReadOptions: Sendable {
    /// Drop events whose dwell (seconds) is below this, when the log has a dwell column. Nil = keep all.
    public var minDwell: Double? = 2
    /// Drop events whose rating is below this, when the log has a rating column. Nil = keep all.
    public var minRating: Double?
    /// Malformed-line policy.
    public var onError: ErrorPolicy = .skip
    /// Attribute views filled later from side files (MovieLens: category, director).
    public var extraAttributeViews: [String] = []
    /// Progress line on standard error for long reads.
    public var progress: ProgressReporter?
    /// Checked between chunks (default: the process-wide SIGINT flag).
    public var interruption: Interruption = .process

    public init(minDwell: Double? = 2, minRating: Double? = nil, onError: ErrorPolicy = .skip) {
        self.minDwell = minDwell
        self.minRating = minRating
        self.onError = onError
    }
}

/// Reads UTF-8 TSV behaviour logs (optionally gzip-compressed) into an `EventLog`.
///
/// Files are read in the order given; their headers may order columns differently but must name
/// the same attribute columns. Parsing works on bytes, never on per-field `String`s.
public enum EventLogReader {
    public static func read(files: [String], options: LogReadOptions = LogReadOptions()) throws -> EventLog {
        guard !files.isEmpty else { throw DataError(.invalidArgument, "no input files") }
        let clock = ContinuousClock()
        let started = clock.now
        let startedCPU = ProcessCPUTime.seconds()
        var report = InputReport()
        report.files = files
        let streams = try files.map { try InputByteStream(path: $0) }
        let totalBytes = streams.reduce(Int64(0)) { $0 + $1.fileSize }
        var bytesBefore: Int64 = 0

        var attributeNames: [String] = []
        /// Created at the first header, when the attribute views are known.
        var columns: EventColumnsBuilder?
        var hasAppSessions: Bool?
        // Reserve for the likely event count (≥ 24 bytes a line) so the columns rarely move;
        // untouched reserved pages cost address space, not memory.
        let estimate = Int(min(totalBytes / 24, 1 << 31))

        for stream in streams {
            let file = stream.path
            var sawHeader = false  // a Bool: testing an optional `LogSchema` per line copied it
            var fields = UnsafeMutablePointer<ByteField>.allocate(capacity: 1)
            defer { fields.deallocate() }
            var columnCount = 0
            var pendingBlankLines: [Int] = []
            // Plain column indices (-1 = absent), so the per-line path copies no struct or string.
            var userColumn = 0, itemColumn = 0, timeColumn = 0, dwellColumn = -1, ratingColumn = -1

            try LineReader(interruption: options.interruption).forEachLine(in: stream, onChunk: { consumed in
                options.progress?.update(events: columns?.events ?? 0, bytes: bytesBefore + consumed, totalBytes: totalBytes)
            }, onChunkEnd: {
                columns?.flush()  // before the buffer its queued fields point into moves
            }) { line, lineNumber in
                guard sawHeader else {
                    // Header line.
                    guard FieldParsing.isValidUTF8(line) else {
                        throw DataError(.missingColumns, "\(file): header is not valid UTF-8")
                    }
                    let text = line.string
                    guard !text.trimmingSpaces.isEmpty else { throw DataError(.emptyInput, "\(file): empty header line") }
                    let parsed = try LogSchema(header: text, file: file)
                    if hasAppSessions == nil {
                        attributeNames = parsed.attributeNames + options.extraAttributeViews
                        columns = EventColumnsBuilder(attributeViews: attributeNames.count, expectedEvents: estimate)
                        hasAppSessions = parsed.appSession != nil
                    } else {
                        guard Set(parsed.attributeNames) == Set(attributeNames.filter { !options.extraAttributeViews.contains($0) }) else {
                            throw DataError(.missingColumns, "\(file): attribute columns \(parsed.attributeNames) differ from the first file's \(attributeNames)")
                        }
                        guard (parsed.appSession != nil) == hasAppSessions else {
                            throw DataError(.missingColumns, "\(file): app-session column present in some input files but not in others")
                        }
                    }
                    columnCount = parsed.columnCount
                    userColumn = parsed.user
                    itemColumn = parsed.item
                    timeColumn = parsed.timestamp
                    dwellColumn = parsed.dwell ?? -1
                    ratingColumn = parsed.rating ?? -1
                    columns!.beginFile(columnCount: columnCount, userColumn: userColumn, itemColumn: itemColumn,
                                       appColumn: parsed.appSession ?? -1,
                                       attributeColumns: parsed.attributes.map(\.column),
                                       attributeSlots: parsed.attributes.map { a in attributeNames.firstIndex(of: a.name)! })
                    fields.deallocate()
                    fields = .allocate(capacity: columnCount)
                    sawHeader = true
                    return
                }
                if line.count == 0 {
                    pendingBlankLines.append(lineNumber)  // reported unless only trailing blanks follow
                    return
                }
                report.linesRead += 1
                if !pendingBlankLines.isEmpty {
                    for blank in pendingBlankLines {
                        report.linesRead += 1
                        try report.reject(.emptyLine, file: file, line: blank, policy: options.onError)
                    }
                    pendingBlankLines.removeAll()
                }
                let split = TabSplitter.split(line, into: fields, columnCount: columnCount)
                var reason: MalformedReason?
                var dwell: Double?
                var rating: Double?
                var time: Int64 = 0
                if split.tooMany || split.fieldCount != columnCount {
                    reason = .wrongColumnCount
                } else if !split.ascii && !FieldParsing.isValidUTF8(line) {
                    reason = .invalidUTF8
                } else if fields[userColumn].count == 0 || fields[itemColumn].count == 0 {
                    reason = .emptyId
                } else if let t = FieldParsing.parseTimestamp(fields[timeColumn]) {
                    time = t
                    if dwellColumn >= 0, fields[dwellColumn].count > 0 {
                        dwell = FieldParsing.parseDouble(fields[dwellColumn])
                        if dwell == nil { reason = .badNumber }
                    }
                    if ratingColumn >= 0, fields[ratingColumn].count > 0 {
                        rating = FieldParsing.parseDouble(fields[ratingColumn])
                        if rating == nil { reason = .badNumber }
                    }
                } else {
                    reason = .badTimestamp
                }
                if let reason {
                    try report.reject(reason, file: file, line: lineNumber, policy: options.onError)
                    return
                }
                if let minDwell = options.minDwell, let dwell, dwell < minDwell {
                    report.droppedShortDwell += 1
                    return
                }
                if let minRating = options.minRating, let rating, rating < minRating {
                    report.droppedLowRating += 1
                    return
                }
                columns.unsafelyUnwrapped.add(fields, time: time)
            }
            guard sawHeader else { throw DataError(.emptyInput, "\(file): empty file (no header)") }
            bytesBefore += stream.consumedFileBytes
        }
        // Items are only interned by kept events, so attribute arrays match the item count
        // unless there are no attribute views at all.
        let built = columns!
        built.flush()
        let events = built.events
        let log = EventLog(users: built.users, items: built.items, attributeNames: attributeNames,
                           attributeValues: built.attributeValues, itemAttributes: built.itemAttributes,
                           eventUser: built.eventUser, eventItem: built.eventItem, eventTime: built.eventTime,
                           eventAppSession: built.eventAppSession, report: report)
        log.report.bytesRead = bytesBefore
        log.report.cleanedEvents = events
        log.report.users = built.users.count
        log.report.items = built.items.count
        log.report.seconds = (clock.now - started).seconds
        log.report.cpuSeconds = ProcessCPUTime.seconds() - startedCPU
        options.progress?.finish(events: events, bytes: bytesBefore)
        return log
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
