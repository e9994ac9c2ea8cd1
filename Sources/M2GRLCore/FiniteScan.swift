/// A blocked, vectorised search for NaN and ±infinity in float32 data.
///
/// A float is non-finite exactly when its exponent bits are all ones, i.e. when its bit pattern
/// without the sign is ≥ `0x7F80_0000`. Each block of 4,096 floats is reduced with a SIMD maximum of
/// those patterns (no branch per element); only a block whose maximum crosses the threshold is
/// searched element by element.
public enum FiniteScan {
    static let blockSize = 4096

    /// Index of the first non-finite value, or `nil` when every value is finite.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        guard let base = values.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let mask = SIMD16<UInt32>(repeating: 0x7FFF_FFFF)
        var start = 0
        while start < values.count {
            let end = min(start + blockSize, values.count)
            var acc = SIMD16<UInt32>(repeating: 0)
            var i = start
            while i + 16 <= end {
                acc = pointwiseMax(acc, raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<UInt32>.self) & mask)
                i += 16
            }
            var worst = acc.max()
            while i < end { worst = max(worst, values[i].bitPattern & 0x7FFF_FFFF); i += 1 }
            if worst >= 0x7F80_0000 {
                for j in start..<end where !values[j].isFinite { return j }
            }
            start = end
        }
        return nil
    }
}
