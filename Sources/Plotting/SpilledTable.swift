import Foundation
import PoSpace

/// A forward table on disk, split into buckets by the top bits of y: one temporary file per
/// bucket holding that bucket's entries in the order they were made. An entry is a record of
/// whole 64-bit words, its fields bit-packed big-endian: y's bits below the bucket's (the
/// bucket implies the rest), the metadata units (k bits each), then (tables 2–7) both back
/// pointers in one word (`BackPointers`). At k = 24 with 64 buckets that is 3 words an entry
/// for tables 2–6 where whole words per field took 4 to 6: the spill files are mostly what a
/// spilling plot writes and reads. Entries reach a bucket in the order they are made, and
/// each bucket is sorted on its own.
final class SpilledTable {
    let table: Int
    let units: Int
    let hasPointers: Bool
    /// Words an entry.
    let words: Int
    let bucketBits: Int
    private let k: Int
    /// y's bits below the bucket's top bits: what a record keeps of y.
    private let shift: UInt64
    private let buckets: SpillBuckets
    private let threads: Int
    /// Entries written so far.
    private(set) var count = 0
    private var records: [UInt64] = []
    private var destinations: [Int32] = []

    init(table: Int, k: Int, bucketBits: Int, threads: Int, in directory: URL) throws(PlotterError) {
        self.table = table
        self.k = k
        units = Parameters.metadataUnits(ofTable: table)
        hasPointers = table > 1
        self.bucketBits = bucketBits
        shift = UInt64(k + Parameters.extraBits - bucketBits)
        words = (Int(shift) + units * k + (hasPointers ? 64 : 0) + 63) / 64
        self.threads = max(1, threads)
        buckets = try SpillBuckets(count: 1 << bucketBits, words: words, threads: threads, in: directory)
    }

    var bucketCount: Int { buckets.count }

    /// Appends entries (y, `units` metadata values each, and back pointers for tables 2–7,
    /// counted from `pointerBase`), each to its bucket, keeping their order within every bucket.
    func append(y: UnsafeBufferPointer<UInt64>, metadata: UnsafeBufferPointer<UInt32>,
                left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, pointerBase: Int = 0) throws(PlotterError) {
        let n = y.count
        guard n > 0 else { return }
        if destinations.count < n {
            records = [UInt64](repeating: 0, count: n * words)
            destinations = [Int32](repeating: 0, count: n)
        }
        let (words, units, hasPointers, shift, k) = (self.words, self.units, self.hasPointers, self.shift, self.k)
        records.withUnsafeMutableBufferPointer { out in
            destinations.withUnsafeMutableBufferPointer { to in
                Parallel.forEachSlice(count: n, threads: threads) { slice in
                    for i in slice {
                        let record = out.baseAddress! + i * words
                        record.update(repeating: 0, count: words)
                        to[i] = Int32(truncatingIfNeeded: y[i] >> shift)
                        BitPacking.write(y[i], count: Int(shift), words: record, bitOffset: 0)
                        var at = Int(shift)
                        for u in 0..<units {
                            BitPacking.write(UInt64(metadata[i * units + u]), count: k, words: record, bitOffset: at)
                            at += k
                        }
                        if hasPointers {
                            BitPacking.write(BackPointers.pack(left: pointerBase + Int(left[i]), right: pointerBase + Int(right[i])),
                                             count: 64, words: record, bitOffset: at)
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
        var meta = [UInt32](uninitializedCount: n * units)
        var left = [UInt32](uninitializedCount: hasPointers ? n : 0)
        var right = [UInt32](uninitializedCount: hasPointers ? n : 0)
        let (words, units, hasPointers, shift, k) = (self.words, self.units, self.hasPointers, self.shift, self.k)
        let top = UInt64(index) << shift
        records.withUnsafeBufferPointer { rs in
            y.withUnsafeMutableBufferPointer { y in
                meta.withUnsafeMutableBufferPointer { meta in
                    left.withUnsafeMutableBufferPointer { left in
                        right.withUnsafeMutableBufferPointer { right in
                            Parallel.forEachSlice(count: n, threads: threads) { slice in
                                for i in slice {
                                    let record = rs.baseAddress! + i * words
                                    y[i] = top | BitPacking.read(words: record, bitOffset: 0, count: Int(shift))
                                    var at = Int(shift)
                                    for u in 0..<units {
                                        meta[i * units + u] = UInt32(truncatingIfNeeded: BitPacking.read(words: record, bitOffset: at, count: k))
                                        at += k
                                    }
                                    if hasPointers {
                                        let pointers = BitPacking.read(words: record, bitOffset: at, count: 64)
                                        left[i] = UInt32(truncatingIfNeeded: pointers)
                                        right[i] = UInt32(truncatingIfNeeded: pointers >> 32)
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
