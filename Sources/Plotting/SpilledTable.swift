import Foundation
import PoSpace

/// A forward table on disk, split into buckets by the top bits of y: one temporary file per
/// bucket holding that bucket's entries in the order they were made, each as 64-bit words —
/// y, the metadata units, then (tables 2–7) both back pointers in one word (`BackPointers`). Because entries
/// reach a bucket in the order the in-memory plotter makes them, a stable sort of each bucket,
/// taken in bucket order, gives exactly the in-memory table.
final class SpilledTable {
    let table: Int
    let units: Int
    let hasPointers: Bool
    /// Words an entry.
    let words: Int
    let bucketBits: Int
    private let shift: UInt64
    private let buckets: SpillBuckets
    private let threads: Int
    /// Entries written so far.
    private(set) var count = 0
    private var records: [UInt64] = []
    private var destinations: [Int32] = []

    init(table: Int, k: Int, bucketBits: Int, threads: Int, in directory: URL) throws(PlotterError) {
        self.table = table
        units = Parameters.metadataUnits(ofTable: table)
        hasPointers = table > 1
        words = 1 + units + (hasPointers ? 1 : 0)
        self.bucketBits = bucketBits
        shift = UInt64(k + Parameters.extraBits - bucketBits)
        self.threads = max(1, threads)
        buckets = try SpillBuckets(count: 1 << bucketBits, words: words, threads: threads, in: directory)
    }

    var bucketCount: Int { buckets.count }

    /// Appends entries (y, `units` metadata values each, and back pointers for tables 2–7,
    /// counted from `pointerBase`), each to its bucket, keeping their order within every bucket.
    func append(y: UnsafeBufferPointer<UInt64>, metadata: UnsafeBufferPointer<UInt64>,
                left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, pointerBase: Int = 0) throws(PlotterError) {
        let n = y.count
        guard n > 0 else { return }
        if destinations.count < n {
            records = [UInt64](repeating: 0, count: n * words)
            destinations = [Int32](repeating: 0, count: n)
        }
        let (words, units, hasPointers, shift) = (self.words, self.units, self.hasPointers, self.shift)
        records.withUnsafeMutableBufferPointer { out in
            destinations.withUnsafeMutableBufferPointer { to in
                Parallel.forEachSlice(count: n, threads: threads) { slice in
                    for i in slice {
                        let at = i * words
                        to[i] = Int32(truncatingIfNeeded: y[i] >> shift)
                        out[at] = y[i]
                        for u in 0..<units { out[at + 1 + u] = metadata[i * units + u] }
                        if hasPointers {
                            out[at + 1 + units] = BackPointers.pack(left: pointerBase + Int(left[i]), right: pointerBase + Int(right[i]))
                        }
                    }
                }
            }
        }
        try records.withUnsafeBufferPointer { (r) throws(PlotterError) in
            try destinations.withUnsafeBufferPointer { (d) throws(PlotterError) in
                try buckets.append(UnsafeBufferPointer(rebasing: r[..<(n * words)]), buckets: UnsafeBufferPointer(rebasing: d[..<n]))
            }
        }
        count += n
    }

    /// Bucket `index` as a table (in the order written, not yet sorted), and frees its file.
    /// The table's `left` and `right` hold the low and high halves of the packed pointer
    /// word, which the sort carries along untouched.
    func takeBucket(_ index: Int) throws(PlotterError) -> ForwardTable {
        let records = try buckets.take(index)
        let n = records.count / words
        var y = [UInt64](uninitializedCount: n)
        var meta = [UInt64](uninitializedCount: n * units)
        var left = [UInt32](uninitializedCount: hasPointers ? n : 0)
        var right = [UInt32](uninitializedCount: hasPointers ? n : 0)
        let (words, units, hasPointers) = (self.words, self.units, self.hasPointers)
        records.withUnsafeBufferPointer { rs in
            y.withUnsafeMutableBufferPointer { y in
                meta.withUnsafeMutableBufferPointer { meta in
                    left.withUnsafeMutableBufferPointer { left in
                        right.withUnsafeMutableBufferPointer { right in
                            Parallel.forEachSlice(count: n, threads: threads) { slice in
                                for i in slice {
                                    let at = i * words
                                    y[i] = rs[at]
                                    for u in 0..<units { meta[i * units + u] = rs[at + 1 + u] }
                                    if hasPointers {
                                        left[i] = UInt32(truncatingIfNeeded: rs[at + 1 + units])
                                        right[i] = UInt32(truncatingIfNeeded: rs[at + 1 + units] >> 32)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return ForwardTable(table: table, y: y, metadata: meta, left: left, right: right)
    }
}
