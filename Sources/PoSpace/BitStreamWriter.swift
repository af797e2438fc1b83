/// Appends values to a big-endian bit stream of 64-bit words, front to back, keeping the word
/// being filled in a register: the f functions' inputs are packed this way once per pair.
@usableFromInline
struct BitStreamWriter {
    @usableFromInline let words: UnsafeMutablePointer<UInt64>
    @usableFromInline var index = 0
    /// The word being filled, its first `used` bits (from the top) set.
    @usableFromInline var word: UInt64 = 0
    @usableFromInline var used = 0

    @inlinable
    init(words: UnsafeMutablePointer<UInt64>) { self.words = words }

    /// Appends the low `bits` (1…64) bits of `value`.
    @inlinable @inline(__always)
    mutating func append(_ value: UInt64, bits: Int) {
        let v = bits == 64 ? value : value & ((1 << UInt64(bits)) &- 1)
        let free = 64 - used
        if bits < free {
            word |= v << UInt64(free - bits)
            used += bits
        } else {
            // Fills this word; what does not fit starts the next one.
            let rest = bits - free
            words[index] = word | v >> UInt64(rest)
            index += 1
            used = rest
            word = rest == 0 ? 0 : v << UInt64(64 - rest)
        }
    }

    /// Stores the partly filled last word, its unused bits zero.
    @inlinable
    mutating func finish() {
        if used > 0 { words[index] = word }
    }
}
