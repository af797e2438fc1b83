/// Appends values to a big-endian bit stream, front to back, keeping the 64-bit word being
/// filled in a register and handing each filled word to its sink: the f functions' inputs are
/// packed this way once per pair, and parks' stubs and positions once per entry.
public struct BitStreamWriter<Sink: BitStreamSink> {
    @usableFromInline var sink: Sink
    /// The word being filled, its first `used` bits (from the top) set.
    @usableFromInline var word: UInt64 = 0
    @usableFromInline var used = 0

    @inlinable
    public init(sink: Sink) { self.sink = sink }

    /// Appends the low `bits` (1…64) bits of `value`.
    ///
    /// Wrapping arithmetic and masking shifts: every count here is within 0…64 and every shift
    /// below 64, and the checks, run once per park entry, showed in the parks' encoding.
    @inlinable @inline(__always)
    public mutating func append(_ value: UInt64, bits: Int) {
        let v = bits == 64 ? value : value & ((1 &<< UInt64(truncatingIfNeeded: bits)) &- 1)
        let free = 64 &- used
        if bits < free {
            word |= v &<< UInt64(truncatingIfNeeded: free &- bits)
            used &+= bits
        } else {
            // Fills this word; what does not fit starts the next one.
            let rest = bits &- free
            sink.put(word | v &>> UInt64(truncatingIfNeeded: rest))
            used = rest
            word = rest == 0 ? 0 : v &<< UInt64(truncatingIfNeeded: 64 &- rest)
        }
    }

    /// Hands over the partly filled last word, its unused bits zero.
    @inlinable
    public mutating func finish() {
        if used > 0 { sink.put(word) }
    }
}

/// Where a `BitStreamWriter` puts each filled word, in order.
public protocol BitStreamSink {
    mutating func put(_ word: UInt64)
}

/// Words as values, at consecutive places.
public struct WordSink: BitStreamSink {
    @usableFromInline let words: UnsafeMutablePointer<UInt64>
    @usableFromInline var index = 0

    @inlinable
    public init(words: UnsafeMutablePointer<UInt64>) { self.words = words }

    @inlinable @inline(__always)
    public mutating func put(_ word: UInt64) {
        words[index] = word
        index &+= 1
    }
}

/// Words as big-endian bytes, eight at a time from `bytes` on (no alignment needed). The last,
/// partly filled word is stored whole too: leave 8 bytes of room past the stream's end.
public struct BigEndianByteSink: BitStreamSink {
    @usableFromInline let bytes: UnsafeMutableRawPointer
    @usableFromInline var offset = 0

    @inlinable
    public init(bytes: UnsafeMutableRawPointer) { self.bytes = bytes }

    @inlinable @inline(__always)
    public mutating func put(_ word: UInt64) {
        bytes.storeBytes(of: word.bigEndian, toByteOffset: offset, as: UInt64.self)
        offset &+= 8
    }
}
