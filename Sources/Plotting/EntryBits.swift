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

    /// Entries set (bits past `count` never are, except in an all-set start).
    var population: Int {
        var total = words.reduce(0) { $0 + $1.nonzeroBitCount }
        if count % 64 != 0, let last = words.last { total -= (last >> UInt64(count % 64)).nonzeroBitCount }
        return total
    }
}
