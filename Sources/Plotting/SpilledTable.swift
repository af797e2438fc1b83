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
    private var buckets: [SpillFile]
    /// Entries written so far.
    private(set) var count = 0
    private var staging: [UInt64] = []

    init(table: Int, k: Int, bucketBits: Int, in directory: URL) throws(PlotterError) {
        self.table = table
        units = Parameters.metadataUnits(ofTable: table)
        hasPointers = table > 1
        words = 1 + units + (hasPointers ? 1 : 0)
        self.bucketBits = bucketBits
        shift = UInt64(k + Parameters.extraBits - bucketBits)
        var files = [SpillFile]()
        for _ in 0..<(1 << bucketBits) { files.append(try SpillFile(in: directory)) }
        buckets = files
    }

    var bucketCount: Int { buckets.count }

    /// Appends entries (y, `units` metadata values each, and back pointers for tables 2–7,
    /// counted from `pointerBase`), each to its bucket, keeping their order within every bucket.
    func append(y: UnsafeBufferPointer<UInt64>, metadata: UnsafeBufferPointer<UInt64>,
                left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, pointerBase: Int = 0) throws(PlotterError) {
        let n = y.count
        guard n > 0 else { return }
        var starts = [Int](repeating: 0, count: buckets.count + 1)
        for i in 0..<n { starts[Int(y[i] >> shift) + 1] += 1 }
        for b in 0..<buckets.count { starts[b + 1] += starts[b] }
        if staging.count < n * words { staging = [UInt64](repeating: 0, count: n * words) }
        var cursor = starts
        let (words, units, hasPointers, shift) = (self.words, self.units, self.hasPointers, self.shift)
        staging.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let b = Int(y[i] >> shift)
                let at = cursor[b] * words
                cursor[b] += 1
                out[at] = y[i]
                for u in 0..<units { out[at + 1 + u] = metadata[i * units + u] }
                if hasPointers {
                    out[at + 1 + units] = BackPointers.pack(left: pointerBase + Int(left[i]), right: pointerBase + Int(right[i]))
                }
            }
        }
        try staging.withUnsafeBufferPointer { (all) throws(PlotterError) in
            for b in 0..<buckets.count where starts[b + 1] > starts[b] {
                try buckets[b].append(UnsafeBufferPointer(rebasing: all[(starts[b] * words)..<(starts[b + 1] * words)]))
            }
        }
        count += n
    }

    /// Bucket `index` as a table (in the order written, not yet sorted), and frees its file.
    /// The table's `left` and `right` hold the low and high halves of the packed pointer
    /// word, which the sort carries along untouched.
    func takeBucket(_ index: Int) throws(PlotterError) -> ForwardTable {
        let file = buckets[index]
        let n = file.size / (8 * words)
        var records = [UInt64](repeating: 0, count: n * words)
        try records.withUnsafeMutableBufferPointer { (r) throws(PlotterError) in try file.read(from: 0, into: r) }
        file.truncate()
        var y = [UInt64](repeating: 0, count: n)
        var meta = [UInt64](repeating: 0, count: n * units)
        var left = [UInt32](repeating: 0, count: hasPointers ? n : 0)
        var right = left
        for i in 0..<n {
            let at = i * words
            y[i] = records[at]
            for u in 0..<units { meta[i * units + u] = records[at + 1 + u] }
            if hasPointers {
                left[i] = UInt32(truncatingIfNeeded: records[at + 1 + units])
                right[i] = UInt32(truncatingIfNeeded: records[at + 1 + units] >> 32)
            }
        }
        return ForwardTable(table: table, y: y, metadata: meta, left: left, right: right)
    }
}
