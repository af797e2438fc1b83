import Compute
import PoSpace

/// Phase 1: computes tables 1–7 in memory. Table 1 holds f1(x) for every x; table t holds an
/// entry for every match between adjacent buckets of table t − 1, with f_t's output, the
/// collated metadata and pointers back to the two matched entries. Tables 1–6 end sorted by y,
/// or only grouped by kBC group where the backend matches such tables (`entryOrder`).
struct ForwardPropagation {
    let k: Int
    let plotID: PlotID
    /// Threads for the sorts, which stay on the CPU whatever the backend.
    let threads: Int
    /// Where F1, Fx and matching run.
    let backend: any ComputeBackend

    /// Table 1: f1 over all 2^k x values, sorted by y (ties keep x order).
    func tableOne() throws(ComputeError) -> ForwardTable {
        let n = 1 << k
        var keys = [UInt64](uninitializedCount: n)
        var values = [UInt32](uninitializedCount: n)
        try keys.withUnsafeMutableBufferPointer { (ys) throws(ComputeError) in
            try values.withUnsafeMutableBufferPointer { (xs) throws(ComputeError) in try tableOneEntries(start: 0, y: ys, x: xs) }
        }
        sortByY(&keys, &values)
        return ForwardTable(table: 1, y: keys, metadata: values, left: [], right: [])
    }

    /// f1 of the x values `start..<start + y.count` into `y`, and those x values into `x`, on all threads.
    func tableOneEntries(start: Int, y ys: UnsafeMutableBufferPointer<UInt64>,
                         x xs: UnsafeMutableBufferPointer<UInt32>) throws(ComputeError) {
        try backend.f1(k: k, plotID: plotID, start: start, into: ys)
        Parallel.forEachSlice(count: xs.count, threads: threads) { range in
            for i in range { xs[i] = UInt32(start + i) }
        }
    }

    /// Table `previous.table + 1` from its predecessor, in `entryOrder`; table 7 stays in the order
    /// of its matches: nothing matches against it, and phase 3 sorts it by (f7, position), which
    /// does not depend on the order it comes in. Fx's results go straight into the sort's
    /// buckets, part by part as the parts are matched; the predecessor's y and metadata are
    /// released (all the next table needs of it are its pointers) before the sorted columns
    /// claim their memory.
    func nextTable(after previous: inout ForwardTable) throws(ComputeError) -> ForwardTable {
        let table = previous.table + 1
        guard table < 7 else {
            let (left, right) = try matches(in: previous)
            let (ys, meta) = try evaluate(previous, left: left, right: right)
            previous.y = []
            previous.metadata = []
            return ForwardTable(table: table, y: ys, metadata: meta, left: left, right: right)
        }
        let units = Parameters.metadataUnits(ofTable: table), yBits = k + Parameters.extraBits
        // Eight parts a thread: a thread slowed down leaves the others little to wait for, and
        // each part's share of a bucket (its region) is still large enough to estimate closely.
        // A table has about as many matches as its predecessor has entries.
        let parts = 8 * threads
        let buckets = EntryBuckets(estimating: previous.count, blocks: parts, yBits: yBits, units: units)
        let n = try previous.y.withUnsafeBufferPointer { (prevY) throws(ComputeError) in
            try previous.metadata.withUnsafeBufferPointer { (prevMeta) throws(ComputeError) in
                try backend.matchAndEvaluate(k: k, table: table, previous: TableColumns(y: prevY, metadata: prevMeta, units: previous.units),
                                             parts: parts, threads: threads) { part, count, y, meta, left, right in
                    buckets.scatter(block: part, count: count, y: y, meta: meta, left: left, right: right)
                }
            }
        }
        previous.y = []
        if previous.table > 1 { previous.metadata = [] }
        var result = ForwardTable(table: table, count: n)
        result.withColumns { EntrySort.gather(buckets, by: entryOrder, yBits: yBits, into: $0, threads: threads) }
        return result
    }

    /// How tables 2–6 are sorted: only by kBC group where the backend's matching allows it.
    var entryOrder: EntrySort.Order { backend.needsSortedGroups ? .y : .group }

    /// f and collated metadata of the next table for the matched pairs (`left[i]`, `right[i]`)
    /// of `previous` (positions in it), in pair order.
    func evaluate(_ previous: ForwardTable, left: [UInt32], right: [UInt32]) throws(ComputeError) -> (y: [UInt64], metadata: [UInt32]) {
        let table = previous.table + 1
        var ys = [UInt64](uninitializedCount: left.count)
        var meta = [UInt32](uninitializedCount: left.count * Parameters.metadataUnits(ofTable: table))
        try previous.y.withUnsafeBufferPointer { (prevY) throws(ComputeError) in
            try previous.metadata.withUnsafeBufferPointer { (prevMeta) throws(ComputeError) in
                try left.withUnsafeBufferPointer { (l) throws(ComputeError) in
                    try right.withUnsafeBufferPointer { (r) throws(ComputeError) in
                        try ys.withUnsafeMutableBufferPointer { (outY) throws(ComputeError) in
                            try meta.withUnsafeMutableBufferPointer { (outMeta) throws(ComputeError) in
                                try backend.fx(k: k, table: table,
                                               previous: TableColumns(y: prevY, metadata: prevMeta, units: previous.units),
                                               left: l, right: r, outY: outY, outMeta: outMeta)
                            }
                        }
                    }
                }
            }
        }
        return (ys, meta)
    }

    /// All matches of a table in `entryOrder`, in order of left position (threads take runs of buckets).
    func matches(in t: ForwardTable) throws(ComputeError) -> (left: [UInt32], right: [UInt32]) {
        try t.y.withUnsafeBufferPointer { (y) throws(ComputeError) in try backend.matches(y: y) }
    }

    func sortByY(_ keys: inout [UInt64], _ values: inout [UInt32]) {
        PackedSort.sort(&keys, &values, keyBits: k + Parameters.extraBits, valueBits: k, threads: threads)
    }
}
