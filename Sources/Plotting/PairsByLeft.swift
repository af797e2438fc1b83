import PoSpace

/// Entries of a forward table with their back pointers, regrouped by the top bits of the left
/// pointer, so that looking up what both pointers lead to (x values, or positions in the
/// previous final table) reads one cache-sized stretch at a time instead of the whole table
/// at random. Within a group, entries keep their order.
///
/// Phase 3 may compute line points in this order because it sorts them afterwards and no two
/// are equal: distinct pairs of distinct inputs give distinct line points.
///
/// The entries are stored as records (left, right, entry), one write stream a group for the
/// regrouping scatter instead of three.
struct PairsByLeft {
    /// Record j: `records[3j]` the left pointer, `records[3j + 1]` the right one,
    /// `records[3j + 2]` the entry's index in its forward table.
    var records: [UInt32]

    /// Groups the entries set in `kept`, of a table whose pointers are `left`/`right`, into a
    /// previous table of `previousCount` entries. The kept bits are read in place, twice (to
    /// count, then to scatter), rather than listed first.
    init(_ kept: EntryBits, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
         previousCount: Int, threads: Int) {
        let n = kept.population
        let shift = UInt32(Self.groupBits)
        let groups = (max(1, previousCount) - 1) >> Int(shift) + 1
        let wordCount = (kept.count + 63) / 64
        let workers = Parallel.pieces(count: n, threads: threads)
        let per = (wordCount + workers - 1) / workers
        // Bits past `count` (set in an all-set start) are not entries.
        let lastMask = kept.count % 64 == 0 ? UInt64.max : (UInt64(1) << UInt64(kept.count % 64)) - 1
        var records = [UInt32](uninitializedCount: 3 * n)
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * groups)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        kept.withUnsafeWords { words in
            @inline(__always) func forEachKept(of w: Int, _ body: (Int) -> Void) {
                for word in min(wordCount, w * per)..<min(wordCount, (w + 1) * per) {
                    var bits = words[word] & (word == wordCount - 1 ? lastMask : .max)
                    while bits != 0 {
                        body(word &* 64 &+ bits.trailingZeroBitCount)
                        bits &= bits &- 1
                    }
                }
            }
            records.withUnsafeMutableBufferPointer { out in
                Parallel.forEachPiece(workers, threads: threads) { ws in
                    for w in ws {
                        let c = cursors.baseAddress! + w * groups
                        forEachKept(of: w) { i in c[Int(left[i] >> shift)] &+= 1 }
                    }
                }
                _ = RadixSort.scatterOffsets(cursors, workers: workers, buckets: groups)
                Parallel.forEachPiece(workers, threads: threads) { ws in
                    for w in ws {
                        let c = cursors.baseAddress! + w * groups
                        // Wrapping arithmetic: the places lie in `out` by construction, and the overflow
                        // checks were a quarter of this loop's samples.
                        forEachKept(of: w) { i in
                            let a = left[i]
                            let g = Int(a >> shift)
                            let at = c[g]
                            c[g] = at &+ 1
                            let record = out.baseAddress! + 3 &* at
                            record[0] = a
                            record[1] = right[i]
                            record[2] = UInt32(truncatingIfNeeded: i)
                        }
                    }
                }
            }
        }
        self.records = records
    }

    /// Kept entries.
    var count: Int { records.count / 3 }

    /// Groups of 2^16 previous entries: a stretch of 256 KiB of positions or x values.
    static var groupBits: Int { 16 }
}
