/// Phase 2: marks, from table 7 down, which entries of each table some table-7 entry leads
/// to. Entries that lead nowhere can never be part of a proof and are left out of the plot.
enum Backpropagation {
    /// `used[t][i]` (t = 1…7; index 0 unused) tells whether entry i of table t is kept.
    static func usedEntries(_ tables: [ForwardTable]) -> [[Bool]] {
        var used = [[Bool]](repeating: [], count: 8)
        used[7] = [Bool](repeating: true, count: tables[7].count)
        for t in stride(from: 7, through: 2, by: -1) {
            var below = [Bool](repeating: false, count: tables[t - 1].count)
            let keep = used[t]
            let l = tables[t].left, r = tables[t].right
            for i in 0..<tables[t].count where keep[i] {
                below[Int(l[i])] = true
                below[Int(r[i])] = true
            }
            used[t - 1] = below
        }
        return used
    }
}
