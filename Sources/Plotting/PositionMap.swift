import PoSpace

/// Where each entry of a forward table landed in its final table: the inverse of the order a
/// final table's sort leaves its entries in. Storing each rank straight at its entry writes a
/// random place of the whole map per entry, and every such store brings a cache line in from
/// memory and writes it back (bound by that traffic: about 50 ms a table at k = 24). So the
/// (entry, rank) pairs are first scattered into stretches of the map by the entry's top bits,
/// one write stream a stretch, and then each stretch is filled on its own in a buffer of the
/// thread's, which stays in L2, and copied into the map in order (filled in the map itself,
/// each stretch's first writes to its lines missed the cache at random, after a pass that had
/// set the whole map to `UInt32.max`).
enum PositionMap {
    /// Entries a stretch: 256 KiB of the map.
    static let stretchBits = 16

    /// `map[order[rank]] = rank` for every rank, in a map of `count` entries; entries no rank
    /// names hold `UInt32.max`.
    static func inverting(_ order: [UInt32], count: Int, threads: Int) -> [UInt32] {
        let n = order.count
        let stretches = (max(1, count) - 1) >> stretchBits + 1
        let workers = Parallel.pieces(count: n, threads: threads)
        let chunk = (n + workers - 1) / workers
        var map = [UInt32](uninitializedCount: count)
        var pairs = [UInt64](uninitializedCount: n)
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * stretches)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        order.withUnsafeBufferPointer { o in
            pairs.withUnsafeMutableBufferPointer { pairs in
                Parallel.forEachPiece(workers, threads: threads) { ws in
                    for w in ws {
                        let c = cursors.baseAddress! + w * stretches
                        for rank in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int(o[rank] >> UInt32(stretchBits))] &+= 1 }
                    }
                }
                let starts = RadixSort.scatterOffsets(cursors, workers: workers, buckets: stretches)
                Parallel.forEachPiece(workers, threads: threads) { ws in
                    for w in ws {
                        let c = cursors.baseAddress! + w * stretches
                        for rank in (w * chunk)..<min(n, (w + 1) * chunk) {
                            let entry = o[rank]
                            let s = Int(entry >> UInt32(stretchBits))
                            let at = c[s]
                            c[s] = at &+ 1
                            pairs[at] = UInt64(entry) << 32 | UInt64(rank)
                        }
                    }
                }
                // Each stretch is one thread's: threads write disjoint places.
                map.withUnsafeMutableBufferPointer { map in
                    starts.withUnsafeBufferPointer { s in
                        Parallel.forEachChunk(count: stretches, chunk: 4, threads: threads) { range in
                            let stretch = UnsafeMutablePointer<UInt32>.allocate(capacity: 1 << stretchBits)
                            defer { stretch.deallocate() }
                            for t in range {
                                let first = t << stretchBits, length = min(count - first, 1 << stretchBits)
                                guard length > 0 else { continue }
                                stretch.update(repeating: .max, count: length)
                                for j in s[t]..<s[t + 1] {
                                    let pair = pairs[j]
                                    stretch[Int(pair >> 32) &- first] = UInt32(truncatingIfNeeded: pair)
                                }
                                (map.baseAddress! + first).update(from: stretch, count: length)
                            }
                        }
                    }
                }
            }
        }
        return map
    }
}
