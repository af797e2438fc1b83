/// Reading and writing values of up to 64 bits in big-endian bit streams, the bit order the
/// construction uses everywhere (proofs, F1 keystream, f inputs and outputs).
public enum BitPacking {
    /// Reads `count` (≤ 64) bits starting at bit `offset` of `bytes`; bits past the end read as 0.
    @inlinable
    public static func read(_ bytes: UnsafeRawBufferPointer, bitOffset offset: Int, count: Int) -> UInt64 {
        guard count > 0 else { return 0 }
        let start = offset >> 3
        let shift = UInt64(offset & 7)
        if start + 9 <= bytes.count {
            // Fast path: one unaligned 8-byte load and, when needed, the byte after it.
            var value = bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self).bigEndian << shift
            if Int(shift) + count > 64 { value |= UInt64(bytes[start + 8]) >> (8 - shift) }
            return value >> UInt64(64 - count)
        }
        var acc: UInt64 = 0
        for i in 0..<8 {
            let idx = start + i
            acc = acc << 8 | (idx < bytes.count ? UInt64(bytes[idx]) : 0)
        }
        var value = acc << shift
        if Int(shift) + count > 64 {
            let idx = start + 8
            let next = idx < bytes.count ? UInt64(bytes[idx]) : 0
            value |= next >> (8 - shift)
        }
        return value >> UInt64(64 - count)
    }

    /// Reads `count` (≤ 64) bits at bit `offset` of a stream held as big-endian 64-bit words.
    @inlinable
    public static func read(words: UnsafePointer<UInt64>, bitOffset offset: Int, count: Int) -> UInt64 {
        let idx = offset >> 6
        let shift = offset & 63
        var value = words[idx] << UInt64(shift)
        if shift + count > 64 {
            value |= words[idx + 1] >> UInt64(64 - shift)
        }
        return value >> UInt64(64 - count)
    }

    /// ORs the low `count` (1…64) bits of `value` into a zeroed big-endian word stream at bit `offset`.
    @inlinable
    public static func write(_ value: UInt64, count: Int, words: UnsafeMutablePointer<UInt64>, bitOffset offset: Int) {
        let idx = offset >> 6
        let shift = offset & 63
        let v = count == 64 ? value : value & ((1 << UInt64(count)) - 1)
        let end = shift + count
        if end <= 64 {
            words[idx] |= v << UInt64(64 - end)
        } else {
            words[idx] |= v >> UInt64(end - 64)
            words[idx + 1] |= v << UInt64(128 - end)
        }
    }

    /// Packs `values`, `bitsEach` bits apiece, MSB first, into ⌈n·bitsEach/8⌉ bytes.
    public static func pack(_ values: [UInt64], bitsEach: Int) -> [UInt8] {
        let totalBits = values.count * bitsEach
        let wordCount = (totalBits + 63) / 64 + 1
        var words = [UInt64](repeating: 0, count: wordCount)
        words.withUnsafeMutableBufferPointer { w in
            for (i, v) in values.enumerated() {
                write(v, count: bitsEach, words: w.baseAddress!, bitOffset: i * bitsEach)
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((totalBits + 7) / 8)
        for i in 0..<(totalBits + 7) / 8 {
            bytes.append(UInt8(truncatingIfNeeded: words[i >> 3] >> UInt64(56 - 8 * (i & 7))))
        }
        return bytes
    }

    /// Splits bytes into `count` values of `bitsEach` bits, MSB first.
    public static func unpack(_ bytes: [UInt8], bitsEach: Int, count: Int) -> [UInt64] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { read(raw, bitOffset: $0 * bitsEach, count: bitsEach) }
        }
    }
}
