import PoSpace

/// Phase 2: marks, from table 7 down, which entries of each table some table-7 entry leads
/// to. Entries that lead nowhere can never be part of a proof and are left out of the plot.
enum Backpropagation {
    /// `used[t]` (t = 1…7; index 0 unused) tells which entries of table t are kept.
    static func usedEntries(_ tables: [ForwardTable], threads: Int = 1) -> [EntryBits] {
        var used = [EntryBits](repeating: EntryBits(count: 0, set: false), count: 8)
        used[7] = EntryBits(count: tables[7].count, set: true)
        for t in stride(from: 7, through: 2, by: -1) {
            // Each thread marks a slice of the entries into a bitmap of its own; then the bitmaps
            // are OR-ed together, a range of words a thread.
            let n = tables[t].left.count
            let workers = max(1, min(threads, n / 65_536 + 1))
            var marks = (0..<workers).map { _ in EntryBits(count: tables[t - 1].count, set: false) }
            tables[t].left.withUnsafeBufferPointer { left in
                tables[t].right.withUnsafeBufferPointer { right in
                    used[t].withUnsafeWords { kept in
                        marks.withUnsafeMutableBufferPointer { marks in
                            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                                for w in ws {
                                    let range = (w * n / workers)..<((w + 1) * n / workers)
                                    marks[w].withUnsafeMutableWords { below in
                                        mark(left: left, right: right, range: range, kept: kept, in: below)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var below = marks[0]
            for w in 1..<workers { below.formUnion(marks[w], threads: threads) }
            used[t - 1] = below
        }
        return used
    }

    /// The same from spilled tables, reading each table's pointers in pieces.
    static func usedEntries(_ tables: SpilledForwardTables) throws(PlotterError) -> [EntryBits] {
        var used = [EntryBits](repeating: EntryBits(count: 0, set: false), count: 8)
        used[7] = EntryBits(count: tables.counts[7], set: true)
        let chunk = 1 << 20
        var packed = [UInt64](repeating: 0, count: chunk)
        for t in stride(from: 7, through: 2, by: -1) {
            var below = EntryBits(count: tables.counts[t - 1], set: false)
            for start in stride(from: 0, to: tables.counts[t], by: chunk) {
                let n = min(chunk, tables.counts[t] - start)
                try packed.withUnsafeMutableBufferPointer { (p) throws(PlotterError) in
                    try tables.pointers[t]!.read(from: start, into: UnsafeMutableBufferPointer(rebasing: p[..<n]))
                }
                for i in 0..<n where used[t][start + i] {
                    below.insert(BackPointers.left(packed[i]))
                    below.insert(BackPointers.right(packed[i]))
                }
            }
            used[t - 1] = below
        }
        return used
    }

    /// Marks both inputs of every kept entry in `range`: every entry ORs its kept bit into its
    /// inputs' bits, as a branch on it would mispredict for about one entry in five.
    private static func mark(left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, range: Range<Int>,
                             kept: UnsafeBufferPointer<UInt64>, in below: UnsafeMutableBufferPointer<UInt64>) {
        for i in range {
            let bit = kept[i >> 6] >> UInt64(i & 63) & 1
            let a = Int(left[i]), b = Int(right[i])
            below[a >> 6] |= bit << UInt64(a & 63)
            below[b >> 6] |= bit << UInt64(b & 63)
        }
    }
}
