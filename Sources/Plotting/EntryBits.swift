import PoSpace

/// One bit per entry of a table: which entries backpropagation keeps.
struct EntryBits {
    private(set) var words: [UInt64]
    let count: Int

    init(count: Int, set: Bool) {
        self.count = count
        words = [UInt64](repeating: set ? .max : 0, count: (count + 63) / 64)
    }

    subscript(_ i: Int) -> Bool { words[i >> 6] >> UInt64(i & 63) & 1 == 1 }

    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }

    /// The bits as words (bit i is bit i % 64 of word i / 64), for hot loops.
    func withUnsafeWords<R>(_ body: (UnsafeBufferPointer<UInt64>) -> R) -> R { words.withUnsafeBufferPointer(body) }

    /// The bits as mutable words, for hot loops.
    mutating func withUnsafeMutableWords<R>(_ body: (UnsafeMutableBufferPointer<UInt64>) -> R) -> R {
        words.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Sets every bit set in `other`, which has the same count, on `threads` threads.
    mutating func formUnion(_ other: EntryBits, threads: Int) {
        precondition(other.count == count)
        other.words.withUnsafeBufferPointer { source in
            words.withUnsafeMutableBufferPointer { target in
                Parallel.forEachSlice(count: target.count, threads: threads) { slice in
                    for j in slice { target[j] |= source[j] }
                }
            }
        }
    }

    /// Entries set (bits past `count` never are, except in an all-set start).
    var population: Int {
        var total = words.reduce(0) { $0 + $1.nonzeroBitCount }
        if count % 64 != 0, let last = words.last { total -= (last >> UInt64(count % 64)).nonzeroBitCount }
        return total
    }
}
