/// Small non-negative integers as bytes: values below 255 in one byte, larger ones as the
/// escape byte 255 followed by the value in 8 big-endian bytes. Used for the high parts of
/// line-point deltas and for f7 deltas, which are almost always tiny; zstd then entropy-codes them.
enum DeltaCoding {
    static let escape: UInt8 = 255

    static func append(_ value: UInt64, to out: inout [UInt8]) {
        if value < UInt64(escape) {
            out.append(UInt8(value))
        } else {
            out.append(escape)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
    }

    /// Reads one value at `offset`, advancing it; nil when the bytes end early.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> UInt64? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        offset += 1
        guard first == escape else { return UInt64(first) }
        guard offset + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return value
    }
}
