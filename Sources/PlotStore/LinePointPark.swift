import PoSpace

/// A park of a line-point table: up to `PlotLayout.entriesPerPark` ascending line points,
/// stored as the first one in full and the deltas after it, each split into a low "stub"
/// of `stubBits` bits (nearly random, bit-packed) and a small high part (one byte, usually).
///
/// Layout: first line point (8 bytes, big-endian) | stubs, (n − 1)·stubBits bits, MSB first,
/// padded to a byte | high parts, n − 1 values in `DeltaCoding`.
public enum LinePointPark {
    /// Bytes before the high parts: the first line point and the stubs.
    public static func bitsSectionSize(entries: Int, stubBits: Int) -> Int { 8 + ((entries - 1) * stubBits + 7) / 8 }

    /// Encodes ascending line points.
    public static func encode(_ points: UnsafeBufferPointer<UInt64>, stubBits: Int) -> [UInt8] {
        var out = [UInt8]()
        guard let first = points.first else { return out }
        let n = points.count
        out.reserveCapacity(8 + (n * (stubBits + 8) + 7) / 8)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: first >> UInt64(shift))) }
        let stubMask = stubBits == 64 ? UInt64.max : (UInt64(1) << UInt64(stubBits)) - 1
        var stubs = [UInt64](repeating: 0, count: ((n - 1) * stubBits + 63) / 64 + 1)
        var highs = [UInt8]()
        highs.reserveCapacity(n)
        stubs.withUnsafeMutableBufferPointer { words in
            for i in 1..<max(1, n) {
                let delta = points[i] - points[i - 1]
                BitPacking.write(delta & stubMask, count: stubBits, words: words.baseAddress!, bitOffset: (i - 1) * stubBits)
                DeltaCoding.append(delta >> UInt64(stubBits), to: &highs)
            }
        }
        let stubBytes = ((n - 1) * stubBits + 7) / 8
        for i in 0..<stubBytes { out.append(UInt8(truncatingIfNeeded: stubs[i >> 3] >> UInt64(56 - 8 * (i & 7)))) }
        out += highs
        return out
    }

    /// Decodes the first `count` line points of a park holding `entries` of them; nil if malformed.
    public static func decode(_ bytes: [UInt8], entries: Int, count: Int, stubBits: Int) -> [UInt64]? {
        guard count <= entries, entries >= 1 else { return nil }
        let stubBytes = ((entries - 1) * stubBits + 7) / 8
        return bytes.withUnsafeBytes { raw -> [UInt64]? in
            guard raw.count >= 8 + stubBytes else { return nil }
            var value: UInt64 = 0
            for i in 0..<8 { value = value << 8 | UInt64(raw[i]) }
            var out = [UInt64]()
            out.reserveCapacity(count)
            out.append(value)
            let stubs = UnsafeRawBufferPointer(rebasing: raw[8..<(8 + stubBytes)])
            var offset = 8 + stubBytes
            for i in 1..<max(1, count) {
                guard let high = DeltaCoding.read(raw, at: &offset) else { return nil }
                let stub = BitPacking.read(stubs, bitOffset: (i - 1) * stubBits, count: stubBits)
                let (next, overflow) = value.addingReportingOverflow(high << UInt64(stubBits) | stub)
                guard !overflow, high >> UInt64(64 - stubBits) == 0 else { return nil }
                value = next
                out.append(value)
            }
            return out
        }
    }
}
