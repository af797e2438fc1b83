/// Pairs of small non-negative integers as bytes, for deltas that are mostly below 4 (table 7's
/// f7 deltas): a pair whose values are both below 15 is the one byte 15·a + b (0…224); any other
/// pair is the escape byte 255 followed by both values in `DeltaCoding`. zstd's Huffman coder
/// gives each byte a whole number of bits, at least one, which is far from the under two bits
/// such a delta carries; a byte per pair halves that loss (k = 24: table 7's deltas 5.5 → 4.5 MB,
/// and zstd level 1 suffices).
enum DeltaPairCoding {
    static let base: UInt64 = 15
    static let escape: UInt8 = 255

    static func append(_ a: UInt64, _ b: UInt64, to out: inout [UInt8]) {
        if a < base, b < base {
            out.append(UInt8(a * base + b))
        } else {
            out.append(escape)
            DeltaCoding.append(a, to: &out)
            DeltaCoding.append(b, to: &out)
        }
    }

    /// Reads one pair at `offset`, advancing it; nil when the bytes end early or hold a byte
    /// no pair is written as.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> (UInt64, UInt64)? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        offset += 1
        if UInt64(first) < base * base { return (UInt64(first) / base, UInt64(first) % base) }
        guard first == escape, let a = DeltaCoding.read(bytes, at: &offset), let b = DeltaCoding.read(bytes, at: &offset) else { return nil }
        return (a, b)
    }
}
