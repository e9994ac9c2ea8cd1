#if canImport(Glibc)
import M2GRLCore
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of the synthetic Taobao-like log (`m2grl synth`).
public struct SynthConfig: Sendable, Equatable {
    /// Total events to write (across all days).
    public var events: Int
    public var users: Int
    public var items: Int
    public var categories: Int
    public var shops: Int
    public var days: Int
    /// Epoch day (days since 1970-01-01) of the first day (from `firstDate`, YYYY-MM-DD).
    public var firstDay: Int
    public var seed: UInt64
    /// Share of events with dwell < 2 s (dropped by `prepare`).
    public var shortDwellShare: Double
    /// Whether to write an `app_session` column.
    public var appSessions: Bool

    /// Sizes scale with `events` unless given: users ≈ events/40, items ≈ events/2 (≤ 2M),
    /// categories ≈ items/1000 (≥ 20), shops ≈ items/40 (≥ categories).
    public init(events: Int, users: Int? = nil, items: Int? = nil, categories: Int? = nil, shops: Int? = nil,
                days: Int = 3, firstDate: String = "2026-11-01", seed: UInt64 = 42,
                shortDwellShare: Double = 0.1, appSessions: Bool = false) throws {
        guard events > 0 else { throw DataError(.invalidArgument, "--events must be positive") }
        guard days > 0 && days <= 3650 else { throw DataError(.invalidArgument, "--days must be in 1...3650") }
        self.events = events
        self.items = items ?? max(200, min(events / 2, 2_000_000))
        self.users = users ?? max(20, events / 40)
        self.categories = categories ?? max(20, self.items / 1000)
        self.shops = shops ?? max(self.categories, self.items / 40)
        self.days = days
        var date = firstDate
        guard let start = date.withUTF8({ FieldParsing.parseISO8601(ByteField($0)) }), start % 86_400 == 0 else {
            throw DataError(.invalidArgument, "first date '\(firstDate)' is not a YYYY-MM-DD date")
        }
        self.firstDay = Int(start / 86_400)
        self.seed = seed
        self.shortDwellShare = shortDwellShare
        self.appSessions = appSessions
        guard self.users > 0, self.items > 0, self.categories > 0 else {
            throw DataError(.invalidArgument, "users, items and categories must be positive")
        }
        guard self.shops >= self.categories, self.items >= self.shops else {
            throw DataError(.invalidArgument, "need items ≥ shops ≥ categories (got \(self.items) ≥ \(self.shops) ≥ \(self.categories))")
        }
        guard (0...1).contains(shortDwellShare) else { throw DataError(.invalidArgument, "short-dwell share must be in 0...1") }
    }
}

/// Writes a deterministic synthetic behaviour log with planted multi-view structure.
///
/// Each session is one user browsing one category: mostly inside one shop (switching shops within
/// the category now and then), sometimes across the category. Users stick to 2–3 favourite
/// categories and a favourite shop per category. Item picks are long-tailed within a shop and a
/// category, so most items are rare while their category and shop recur: the sparsity that
/// multi-view learning addresses. Output streams day by day; memory is the catalogue only.
public struct SyntheticLogGenerator {
    public let config: SynthConfig
    let catalog: SyntheticCatalog

    public init(config: SynthConfig) {
        self.config = config
        self.catalog = SyntheticCatalog(items: config.items, categories: config.categories, shops: config.shops, seed: config.seed)
    }

    /// The TSV header line (without newline).
    public var header: String {
        "user\titem\ttimestamp\tdwell\tcategory\tshop" + (config.appSessions ? "\tapp_session" : "")
    }

    /// Writes all days into one file (`"-"` = standard output); gzip when `compress`.
    /// A file is written as `.NAME.part` and renamed when complete.
    public func write(to path: String, compress: Bool = false, progress: ProgressReporter? = nil,
                      interruption: Interruption = .process) throws {
        let temporary = path == "-" ? path : Self.partPath(path)
        let out = try OutputByteStream(path: temporary, compress: compress)
        var writer = TSVByteWriter(stream: out)
        writer.appendLine(header)
        var written = 0
        do {
            for day in 0..<config.days {
                try generate(day: day, into: &writer, written: &written, progress: progress, interruption: interruption)
            }
            try writer.flush()
            try out.close()
        } catch {
            if path != "-" { unlink(temporary) }
            throw error
        }
        if path != "-" {
            guard rename(temporary, path) == 0 else { throw DataError(.writeFailed, "\(path): rename failed") }
        }
        progress?.finish(events: written, bytes: 0)
    }

    static func partPath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return ".\(path).part" }
        return String(path[...slash]) + "." + path[path.index(after: slash)...] + ".part"
    }

    /// Writes one file per day, `DIR/YYYY-MM-DD.tsv[.gz]`; returns their paths in day order.
    public func writeDaily(directory: String, compress: Bool = false, progress: ProgressReporter? = nil,
                           interruption: Interruption = .process) throws -> [String] {
        var paths: [String] = []
        var written = 0
        for day in 0..<config.days {
            let date = FieldParsing.civilFromDays(config.firstDay + day)
            let name = "\(date.year)-\(Self.pad(date.month))-\(Self.pad(date.day)).tsv" + (compress ? ".gz" : "")
            let path = directory + "/" + name
            let temporary = Self.partPath(path)
            let out = try OutputByteStream(path: temporary, compress: compress)
            var writer = TSVByteWriter(stream: out)
            writer.appendLine(header)
            do {
                try generate(day: day, into: &writer, written: &written, progress: progress, interruption: interruption)
                try writer.flush()
                try out.close()
            } catch {
                unlink(temporary)
                throw error
            }
            guard rename(temporary, path) == 0 else { throw DataError(.writeFailed, "\(path): rename failed") }
            paths.append(path)
        }
        progress?.finish(events: written, bytes: 0)
        return paths
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Generates one day's sessions until the day's share of events is written.
    func generate(day: Int, into writer: inout TSVByteWriter, written: inout Int, progress: ProgressReporter?,
                  interruption: Interruption) throws {
        let perDay = config.events / config.days
        let budget = day == config.days - 1 ? config.events - perDay * (config.days - 1) : perDay
        var rng = SplitMix64(seed: config.seed, stream: 0xDA7 &+ UInt64(day))
        let dayStart = Int64(config.firstDay + day) * 86_400
        var produced = 0
        var session: UInt64 = 0
        while produced < budget {
            // A user (mildly long-tailed activity) and their tastes, derived from the seed alone.
            let user = rng.skewed(config.users, power: 1.3)
            var taste = SplitMix64(seed: config.seed, stream: 0x05E2 &+ UInt64(user))
            let favourites = (0..<(2 + taste.below(2))).map { _ in taste.skewed(config.categories, power: 1.5) }
            var category = rng.unit() < 0.85 ? favourites[rng.below(favourites.count)] : rng.below(config.categories)
            if rng.unit() < 0.02 { category = rng.below(config.categories) }
            var tasteShop = SplitMix64(seed: config.seed, stream: 0x5409 &+ UInt64(user) &* 131 &+ UInt64(category))
            var shop = rng.unit() < 0.6 ? catalog.shop(inCategory: category, &tasteShop) : catalog.shop(inCategory: category, &rng)
            let length = min(budget - produced, 1 + min(60, Int(-log(1 - rng.unit()) * 7)))
            var time = dayStart + Int64(rng.below(86_400 - 3_600))
            session &+= 1
            for _ in 0..<length {
                if rng.unit() < 0.12 { shop = catalog.shop(inCategory: category, &rng) }
                let item = rng.unit() < 0.75 ? catalog.item(inShop: shop, &rng) : catalog.item(inCategory: category, &rng)
                let dwell = rng.unit() < config.shortDwellShare ? rng.below(2) : 2 + Int(-log(1 - rng.unit()) * 25)
                writer.appendEvent(user: user, item: Int(item), time: time, dwell: dwell,
                                   category: Int(catalog.itemCategory[Int(item)]), shop: Int(catalog.itemShop[Int(item)]),
                                   appSession: config.appSessions ? Int(truncatingIfNeeded: (UInt64(day) << 40) | session) : nil)
                time += Int64(5 + rng.below(90))
                if writer.pending >= 1 << 20 {
                    try interruption.check()
                    try writer.flush()
                }
            }
            produced += length
            written += length
            if session & 0x3FFF == 0 {
                progress?.update(events: written, bytes: Int64(writer.bytesWritten), totalBytes: 0)
            }
        }
    }
}
