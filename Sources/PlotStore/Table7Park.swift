import PoSpace

/// A park of table 7: up to `PlotLayout.entriesPerPark` entries sorted by (f7, position), each
/// giving an f7 (k bits) and the entry's position in line-point table 6.
///
/// Layout: first f7 (8 bytes, big-endian) | positions, n·positionBits bits, MSB first, padded
/// to a byte | f7 deltas, n − 1 values: pairs in `DeltaPairCoding`, an odd last one in `DeltaCoding`.
public enum Table7Park {
    /// Bytes before the f7 deltas: the first f7 and the positions.
    public static func bitsSectionSize(entries: Int, positionBits: Int) -> Int { 8 + (entries * positionBits + 7) / 8 }

    public static func encode(f7: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt64>, positionBits: Int) -> [UInt8] {
        let parts = encodeSections(f7: f7, positions: positions, positionBits: positionBits)
        return parts.bits + parts.deltas
    }

    /// Encodes a park as its two sections: the first f7 and the positions (`bitsSectionSize`
    /// bytes), and the f7 deltas.
    public static func encodeSections(f7: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt64>,
                                      positionBits: Int) -> (bits: [UInt8], deltas: [UInt8]) {
        guard let first = f7.first else { return ([], []) }
        precondition((1...63).contains(positionBits), "positions of \(positionBits) bits")
        let n = f7.count
        let bitsSize = bitsSectionSize(entries: n, positionBits: positionBits)
        // Positions through a bit stream stored a whole word at a time (8 bytes of slack for the last).
        var bits = [UInt8](repeating: 0, count: bitsSize + 8)
        bits.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: first.bigEndian, as: UInt64.self)
            var stream = BitStreamWriter(sink: BigEndianByteSink(bytes: raw.baseAddress! + 8))
            for i in 0..<n { stream.append(positions[i], bits: positionBits) }
            stream.finish()
        }
        bits.removeLast(8)
        var deltas = [UInt8]()
        deltas.reserveCapacity(n)
        var i = 1
        while i + 1 < n {
            DeltaPairCoding.append(f7[i] - f7[i - 1], f7[i + 1] - f7[i], to: &deltas)
            i += 2
        }
        if i < n { DeltaCoding.append(f7[i] - f7[i - 1], to: &deltas) }
        return (bits, deltas)
    }

    /// Decodes a park of `entries` entries: all f7 values, and the positions on demand
    /// (a lookup usually needs one or two of the 2048); nil if malformed.
    public static func decode(_ bytes: [UInt8], entries: Int, positionBits: Int) -> Decoded? {
        let positionBytes = (entries * positionBits + 7) / 8
        return bytes.withUnsafeBytes { raw -> Decoded? in
            guard entries >= 1, raw.count >= 8 + positionBytes else { return nil }
            var value: UInt64 = 0
            for i in 0..<8 { value = value << 8 | UInt64(raw[i]) }
            var f7 = [value]
            f7.reserveCapacity(entries)
            var offset = 8 + positionBytes
            func append(_ delta: UInt64) -> Bool {
                let (next, overflow) = value.addingReportingOverflow(delta)
                value = next
                f7.append(value)
                return !overflow
            }
            while f7.count + 1 < entries {
                guard let (a, b) = DeltaPairCoding.read(raw, at: &offset), append(a), append(b) else { return nil }
            }
            if f7.count < entries {
                guard let delta = DeltaCoding.read(raw, at: &offset), append(delta) else { return nil }
            }
            return Decoded(f7: f7, bytes: bytes, positionBits: positionBits)
        }
    }

    /// A decoded park: f7 values, positions read from the packed bits when asked for.
    public struct Decoded: Sendable {
        public let f7: [UInt64]
        let bytes: [UInt8]
        let positionBits: Int

        /// The table-6 position of entry `i`.
        public func position(_ i: Int) -> UInt64 {
            bytes.withUnsafeBytes { raw in
                BitPacking.read(UnsafeRawBufferPointer(rebasing: raw[8...]), bitOffset: i * positionBits, count: positionBits)
            }
        }
    }
}
