import PoSpace

/// Entries of a forward table with their back pointers, regrouped by the top bits of the left
/// pointer, so that looking up what both pointers lead to (x values, or positions in the
/// previous final table) reads one cache-sized stretch at a time instead of the whole table
/// at random. Within a group, entries keep their order.
///
/// Phase 3 may compute line points in this order because it sorts them afterwards and no two
/// are equal: distinct pairs of distinct inputs give distinct line points.
struct PairsByLeft {
    /// Each entry's index in its forward table.
    var entries: [UInt32]
    var left: [UInt32]
    var right: [UInt32]

    /// Groups the entries `order` of a table whose pointers are `left`/`right`, into a previous
    /// table of `previousCount` entries.
    init(_ order: [UInt32], left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
         previousCount: Int, threads: Int) {
        let n = order.count
        // Groups of 2^16 previous entries: a stretch of 256 KiB of positions or 512 KiB of x values.
        let shift: UInt32 = 16
        let groups = (max(1, previousCount) - 1) >> Int(shift) + 1
        let workers = max(1, min(threads, n / 65_536 + 1))
        let chunk = (n + workers - 1) / workers
        var entries = [UInt32](uninitializedCount: n)
        var lefts = [UInt32](uninitializedCount: n), rights = [UInt32](uninitializedCount: n)
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * groups)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        order.withUnsafeBufferPointer { o in
            entries.withUnsafeMutableBufferPointer { e in
                lefts.withUnsafeMutableBufferPointer { l in
                    rights.withUnsafeMutableBufferPointer { r in
                        Parallel.forEachSlice(count: workers, threads: workers) { ws in
                            for w in ws {
                                let c = cursors.baseAddress! + w * groups
                                for j in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int(left[Int(o[j])] >> shift)] += 1 }
                            }
                        }
                        _ = RadixSort.scatterOffsets(cursors, workers: workers, buckets: groups)
                        Parallel.forEachSlice(count: workers, threads: workers) { ws in
                            for w in ws {
                                let c = cursors.baseAddress! + w * groups
                                for j in (w * chunk)..<min(n, (w + 1) * chunk) {
                                    let i = Int(o[j])
                                    let a = left[i]
                                    let g = Int(a >> shift)
                                    let at = c[g]
                                    c[g] = at + 1
                                    e[at] = UInt32(i)
                                    l[at] = a
                                    r[at] = right[i]
                                }
                            }
                        }
                    }
                }
            }
        }
        self.entries = entries
        self.left = lefts
        self.right = rights
    }
}
