/// The metadata an entry carries to the next table: up to four k-bit values ("units").
/// Table 1 carries x; tables 2–3 the concatenation of their inputs; tables 4–6 bits of the hash.
///
/// This is the convenient form for tests and tools; hot loops keep units in flat buffers.
public struct Metadata: Hashable, Sendable {
    /// The units, most significant first.
    public let units: [UInt64]

    public init(units: [UInt64]) {
        precondition(units.count <= 4, "metadata holds at most 4 units")
        self.units = units
    }

    /// Splits a big-endian integer of `count·k` bits (as written in `fx_vectors.csv`) into units.
    public init(packed bytes: [UInt8], count: Int, k: Int) {
        let pad = bytes.count * 8 - count * k
        precondition(pad >= 0, "too few bytes for \(count) units of \(k) bits")
        units = bytes.withUnsafeBytes { raw in
            (0..<count).map { BitPacking.read(raw, bitOffset: pad + $0 * k, count: k) }
        }
    }

    /// The units as one big-endian integer of ⌈count·k/8⌉ bytes (the inverse of `init(packed:)`).
    public func packed(k: Int) -> [UInt8] {
        let bits = units.count * k
        let byteCount = (bits + 7) / 8
        let pad = byteCount * 8 - bits
        var words = [UInt64](repeating: 0, count: byteCount / 8 + 2)
        words.withUnsafeMutableBufferPointer { w in
            for (i, u) in units.enumerated() {
                BitPacking.write(u, count: k, words: w.baseAddress!, bitOffset: pad + i * k)
            }
        }
        return (0..<byteCount).map { UInt8(truncatingIfNeeded: words[$0 >> 3] >> UInt64(56 - 8 * ($0 & 7))) }
    }
}
