/// Phase 2: marks, from table 7 down, which entries of each table some table-7 entry leads
/// to. Entries that lead nowhere can never be part of a proof and are left out of the plot.
enum Backpropagation {
    /// `used[t]` (t = 1…7; index 0 unused) tells which entries of table t are kept.
    static func usedEntries(_ tables: [ForwardTable]) -> [EntryBits] {
        var used = [EntryBits](repeating: EntryBits(count: 0, set: false), count: 8)
        used[7] = EntryBits(count: tables[7].count, set: true)
        for t in stride(from: 7, through: 2, by: -1) {
            var below = EntryBits(count: tables[t - 1].count, set: false)
            mark(left: tables[t].left, right: tables[t].right, first: 0, kept: used[t], in: &below)
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

    /// Marks both inputs of every kept entry among entries `first…` whose pointers are given.
    private static func mark(left: [UInt32], right: [UInt32], first: Int, kept: EntryBits, in below: inout EntryBits) {
        for i in 0..<left.count where kept[first + i] {
            below.insert(Int(left[i]))
            below.insert(Int(right[i]))
        }
    }
}
