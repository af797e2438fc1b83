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
        let parts = encodeSections(points, stubBits: stubBits)
        return parts.bits + parts.deltas
    }

    /// Encodes ascending line points as the park's two sections: the first line point and the
    /// stubs (`bitsSectionSize` bytes), and the high parts of the deltas.
    public static func encodeSections(_ points: UnsafeBufferPointer<UInt64>, stubBits: Int) -> (bits: [UInt8], deltas: [UInt8]) {
        guard let first = points.first else { return ([], []) }
        precondition((1...63).contains(stubBits), "stubs of \(stubBits) bits")
        let n = points.count
        let bitsSize = bitsSectionSize(entries: n, stubBits: stubBits)
        // One pass over the deltas writes both sections: stubs through a bit stream stored a
        // whole word at a time (8 bytes of slack for the last), high parts byte by byte.
        var bits = [UInt8](repeating: 0, count: bitsSize + 8)
        let deltas = bits.withUnsafeMutableBytes { raw in
            [UInt8](unsafeUninitializedCapacity: 9 * (n - 1)) { highs, highCount in
                raw.storeBytes(of: first.bigEndian, as: UInt64.self)
                var stubs = BitStreamWriter(sink: BigEndianByteSink(bytes: raw.baseAddress! + 8))
                var h = 0
                var previous = first
                for i in 1..<n {
                    let point = points[i]
                    let delta = point &- previous
                    previous = point
                    stubs.append(delta, bits: stubBits)  // the low bits: the stub
                    let high = delta >> UInt64(stubBits)
                    if high < UInt64(DeltaCoding.escape) {
                        highs[h] = UInt8(truncatingIfNeeded: high)
                        h &+= 1
                    } else {
                        highs[h] = DeltaCoding.escape
                        UnsafeMutableRawPointer(highs.baseAddress! + (h &+ 1)).storeBytes(of: high.bigEndian, as: UInt64.self)
                        h &+= 9
                    }
                }
                stubs.finish()
                highCount = h
            }
        }
        bits.removeLast(8)
        return (bits, deltas)
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
