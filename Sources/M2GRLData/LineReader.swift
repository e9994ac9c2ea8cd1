#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines (LF or CRLF) without copying them, in large chunks.
struct LineReader {
    /// Initial chunk size; the buffer grows when a single line is longer.
    var chunkSize = 4 << 20
    /// Checked before every chunk.
    var interruption: Interruption = .process

    /// Calls `body(line, lineNumber)` for every line of `stream` (1-based line numbers, terminator
    /// stripped). A last line without a terminator is delivered too. `onChunk` runs after each
    /// chunk read, with the file bytes consumed so far; `onChunkEnd` after the chunk's lines,
    /// while the lines delivered so far are still valid (before the buffer moves).
    func forEachLine(
        in stream: InputByteStream,
        onChunk: (Int64) -> Void = { _ in },
        onChunkEnd: () throws -> Void = {},
        _ body: (ByteField, Int) throws -> Void
    ) throws {
        var capacity = chunkSize
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var lineNumber = 0
        var atEnd = false
        while !atEnd {
            if filled == capacity {
                // One line longer than the buffer: grow.
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                grown.copyMemory(from: buffer, byteCount: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            try interruption.check()
            let n = try stream.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
            if n == 0 { atEnd = true }
            filled += n
            onChunk(stream.consumedFileBytes)
            let bytes = buffer.assumingMemoryBound(to: UInt8.self)
            var lineStart = 0
            while lineStart < filled {
                let remaining = filled - lineStart
                guard let hit = memchr(bytes + lineStart, 0x0A, remaining) else { break }
                let end = hit.assumingMemoryBound(to: UInt8.self) - bytes
                var lineEnd = end
                if lineEnd > lineStart && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                try body(ByteField(start: bytes + lineStart, count: lineEnd - lineStart), lineNumber)
                lineStart = end + 1
            }
            if atEnd && lineStart < filled {
                var lineEnd = filled
                if bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                try body(ByteField(start: bytes + lineStart, count: lineEnd - lineStart), lineNumber)
                lineStart = filled
            }
            try onChunkEnd()
            if lineStart > 0 {
                let rest = filled - lineStart
                if rest > 0 { memmove(buffer, buffer + lineStart, rest) }
                filled = rest
            }
        }
    }
}
