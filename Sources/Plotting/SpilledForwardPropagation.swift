import Compute
import Foundation
import PoSpace

/// What phase 1 leaves on disk when the tables are spilled: for each table, in its final order
/// (by y, or by kBC group), what phases 2 and 3 read back in order.
struct SpilledForwardTables {
    /// Entries of tables 1…7 (index 0 unused).
    var counts: [Int]
    /// Table 1's x values (UInt32).
    var xs: SpillFile
    /// Tables 2…7's back pointers, packed as `BackPointers` (UInt64; indices 0 and 1 unused).
    var pointers: [SpillFile?]
    /// Table 7's y values (UInt64).
    var y7: SpillFile
}

/// Phase 1 within a memory limit: the same tables as `ForwardPropagation`, made one bucket at a
/// time. Each table lives in `SpilledTable` buckets; a bucket is loaded, sorted (as
/// `ForwardPropagation.entryOrder` says), and its kBC groups matched, except the last group,
/// which may go on in the next bucket: that group and the one before it are carried over and
/// matched with the next bucket. The new table's entries are appended to its own buckets in the
/// order they are made. The tables hold the same entries as in memory, in the same kBC groups
/// (only a group split between two buckets may be in another order inside), so the same pairs
/// match and the plot is byte for byte the same: it depends on which entries match, never on
/// their order inside a group.
struct SpilledForwardPropagation {
    let forward: ForwardPropagation
    let bucketBits: Int
    let directory: URL

    func run(progress: (PlotEvent) -> Void) throws(PlotterError) -> SpilledForwardTables {
        let k = forward.k
        var counts = [Int](repeating: 0, count: 8)
        var pointers = [SpillFile?](repeating: nil, count: 8)
        let xs = try SpillFile(in: directory)
        let y7 = try SpillFile(in: directory)

        var input = try SpilledTable(table: 1, k: k, bucketBits: bucketBits, threads: forward.threads, in: directory)
        try fillTableOne(input)
        counts[1] = input.count
        progress(.tableFinished(phase: 1, table: 1, entries: counts[1], fraction: 1.0 / 7))
        for t in 1...6 {
            let output = try SpilledTable(table: t + 1, k: k, bucketBits: bucketBits, threads: forward.threads, in: directory)
            let pointerFile: SpillFile? = t > 1 ? try SpillFile(in: directory) : nil
            var carryY = [UInt64](), carryMeta = [UInt32]()
            var carryPosition = 0
            let units = input.units
            for b in 0..<input.bucketCount {
                var bucket = try sortedBucket(input, b)
                if let pointerFile { try appendPointers(of: bucket, to: pointerFile) }
                else { try bucket.metadata.withUnsafeBufferPointer { (x) throws(PlotterError) in try xs.append(x) } }
                // The carried groups, then the bucket; cut after the last complete group.
                var y = carryY, meta = carryMeta
                y.append(contentsOf: bucket.y)
                meta.append(contentsOf: bucket.metadata)
                bucket = ForwardTable(table: t, y: [], metadata: [], left: [], right: [])  // freed before matching
                let last = b == input.bucketCount - 1
                let (matchable, carried) = last ? (y.count, y.count) : SpilledForwardPropagation.groupCut(y)
                carryY = Array(y[carried...])
                carryMeta = Array(meta[(carried * units)...])
                y.removeLast(y.count - matchable)
                meta.removeLast(meta.count - matchable * units)
                let matchTable = ForwardTable(table: t, y: y, metadata: meta, left: [], right: [])
                let (left, right) = try Plotter.computing { () throws(ComputeError) in try forward.matches(in: matchTable) }
                let (newY, newMeta) = try Plotter.computing { () throws(ComputeError) in try forward.evaluate(matchTable, left: left, right: right) }
                try newY.withUnsafeBufferPointer { (y) throws(PlotterError) in
                    try newMeta.withUnsafeBufferPointer { (m) throws(PlotterError) in
                        try left.withUnsafeBufferPointer { (l) throws(PlotterError) in
                            try right.withUnsafeBufferPointer { (r) throws(PlotterError) in
                                try output.append(y: y, metadata: m, left: l, right: r, pointerBase: carryPosition)
                            }
                        }
                    }
                }
                carryPosition += carried
            }
            pointers[t] = pointerFile
            counts[t + 1] = output.count
            input = output
            progress(.tableFinished(phase: 1, table: t + 1, entries: counts[t + 1], fraction: Double(t + 1) / 7))
        }
        // Table 7 is only sorted: its pointers and y are all later phases need.
        let pointerFile = try SpillFile(in: directory)
        for b in 0..<input.bucketCount {
            let bucket = try sortedBucket(input, b)
            try appendPointers(of: bucket, to: pointerFile)
            try bucket.y.withUnsafeBufferPointer { (y) throws(PlotterError) in try y7.append(y) }
        }
        pointers[7] = pointerFile
        return SpilledForwardTables(counts: counts, xs: xs, pointers: pointers, y7: y7)
    }

    /// Table 1's entries, f1 of every x in x order, into its buckets.
    private func fillTableOne(_ table: SpilledTable) throws(PlotterError) {
        let n = 1 << forward.k
        let chunk = min(n, 1 << 20)
        var ys = [UInt64](repeating: 0, count: chunk)
        var xs = [UInt32](repeating: 0, count: chunk)
        for start in stride(from: 0, to: n, by: chunk) {
            let count = min(chunk, n - start)
            try Plotter.computing { () throws(ComputeError) in
                try ys.withUnsafeMutableBufferPointer { (y) throws(ComputeError) in
                    try xs.withUnsafeMutableBufferPointer { (x) throws(ComputeError) in
                        try forward.tableOneEntries(start: start, y: UnsafeMutableBufferPointer(rebasing: y[..<count]),
                                                    x: UnsafeMutableBufferPointer(rebasing: x[..<count]))
                    }
                }
            }
            try ys.withUnsafeBufferPointer { (y) throws(PlotterError) in
                try xs.withUnsafeBufferPointer { (m) throws(PlotterError) in
                    try table.append(y: y, metadata: m, left: UnsafeBufferPointer(start: nil, count: 0),
                                     right: UnsafeBufferPointer(start: nil, count: 0))
                }
            }
        }
    }

    /// Bucket `b` of `table`, sorted as the in-memory plotter sorts the whole table; table 7 by y.
    private func sortedBucket(_ table: SpilledTable, _ b: Int) throws(PlotterError) -> ForwardTable {
        var bucket = try table.takeBucket(b)
        // Every y in a bucket has the same top bits: only the ones below them need sorting.
        let lowBits = forward.k + Parameters.extraBits - table.bucketBits
        if table.table == 1 {
            sortPairs(&bucket.y, &bucket.metadata, keyBits: lowBits, threads: forward.threads)
        } else {
            // Table 7 stays sorted by y: phase 4 streams it in f7 order.
            EntrySort.sort(&bucket, by: table.table == 7 ? .y : forward.entryOrder, yBits: lowBits, units: table.units,
                           threads: forward.threads)
        }
        return bucket
    }

    private func appendPointers(of bucket: ForwardTable, to file: SpillFile) throws(PlotterError) {
        var packed = [UInt64](uninitializedCount: bucket.count)
        bucket.left.withUnsafeBufferPointer { l in
            bucket.right.withUnsafeBufferPointer { r in
                packed.withUnsafeMutableBufferPointer { p in
                    Parallel.forEachSlice(count: p.count, threads: forward.threads) { slice in
                        for i in slice { p[i] = UInt64(l[i]) | UInt64(r[i]) << 32 }
                    }
                }
            }
        }
        try packed.withUnsafeBufferPointer { (p) throws(PlotterError) in try file.append(p) }
    }

    /// For `y` grouped by kBC group, which the next bucket may continue: entries before `matchable` can be
    /// matched now (every kBC group but the last, which may be incomplete); entries from
    /// `carried` on (the last two groups) go on to the next bucket.
    static func groupCut(_ y: [UInt64]) -> (matchable: Int, carried: Int) {
        guard let lastY = y.last else { return (0, 0) }
        var lastStart = y.count - 1
        while lastStart > 0, y[lastStart - 1] / Parameters.kBC == lastY / Parameters.kBC { lastStart -= 1 }
        guard lastStart > 0 else { return (0, 0) }
        let group = y[lastStart - 1] / Parameters.kBC
        var previousStart = lastStart - 1
        while previousStart > 0, y[previousStart - 1] / Parameters.kBC == group { previousStart -= 1 }
        return (lastStart, previousStart)
    }
}
