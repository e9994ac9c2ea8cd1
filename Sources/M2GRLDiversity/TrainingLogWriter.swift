import Foundation

/// Appends one JSON object per line to a training log file (`diversity-train.jsonl`).
public final class TrainingLogWriter {
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Creates (or truncates) the log at `url`.
    public init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let h = FileHandle(forWritingAtPath: url.path) else {
            throw DiversityError(.invalidInput, "cannot create training log \(url.path)")
        }
        handle = h
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }

    /// Writes `record` as one line.
    public func append<T: Encodable>(_ record: T) throws {
        var data = try encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        do { try handle.write(contentsOf: data) } catch {
            throw DiversityError(.invalidInput, "cannot write training log: \(error.localizedDescription)")
        }
    }

    deinit { try? handle.close() }
}
