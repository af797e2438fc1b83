import PoSpace

/// Sorts 64-bit keys with 32-bit values by key, then value, moving one word an element
/// instead of a key and a value: one scatter by the key's top bits into cache-sized buckets
/// (as `RadixSort` does for large inputs), where each element becomes its key's remaining
/// bits with the value below them, then a sort of each bucket's words alone, unpacked in place.
///
/// For the plotter's sorts the order is the stable one: table 1's values are the x values in
/// input order, and line points are all distinct. At k = 24 a line point keeps 38 of its
/// 47 bits beside a 24-bit entry; the scatter writes 8 bytes an element instead of 12, and the
/// bucket sorts move 8.
enum PackedSort {
    /// Whether `count` elements of `keyBits`-bit keys and `valueBits`-bit values fit a word once
    /// bucketed (otherwise `sort` hands them to `RadixSort`).
    static func fits(count: Int, keyBits: Int, valueBits: Int) -> Bool {
        keyBits - bucketBits(count: count, keyBits: keyBits) + valueBits <= 64
    }

    /// Buckets of about 2^15 elements, as `RadixSort`'s.
    private static func bucketBits(count n: Int, keyBits: Int) -> Int {
        min(keyBits, max(1, (64 - UInt64(max(1, n)).leadingZeroBitCount) - RadixSort.spreadBitsLimit))
    }

    /// Sorts `keys` (below 2^`keyBits`) and `values` (below 2^`valueBits`) by key, then value.
    /// Bits above those widths are not kept (masked so that they cannot send an element out of
    /// the buckets).
    static func sort(_ keys: inout [UInt64], _ values: inout [UInt32], keyBits: Int, valueBits: Int, threads: Int) {
        let n = keys.count
        guard n >= 1 << 16, fits(count: n, keyBits: keyBits, valueBits: valueBits) else {
            sortPairs(&keys, &values, keyBits: keyBits, threads: threads)
            return
        }
        let bucketBits = bucketBits(count: n, keyBits: keyBits)
        let shift = UInt64(keyBits - bucketBits), buckets = 1 << bucketBits, bucketMask = UInt64(buckets - 1)
        let lowMask = (UInt64(1) << shift) &- 1, valueMask = (UInt64(1) << UInt64(valueBits)) &- 1
        let workers = Parallel.pieces(count: n, threads: threads), chunk = (n + workers - 1) / workers
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * buckets)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        var words = [UInt64](uninitializedCount: n)
        keys.withUnsafeMutableBufferPointer { keys in
            values.withUnsafeMutableBufferPointer { values in
                words.withUnsafeMutableBufferPointer { words in
                    let (k, v, w) = (keys.baseAddress!, values.baseAddress!, words.baseAddress!)
                    Parallel.forEachPiece(workers, threads: threads) { ws in
                        for worker in ws {
                            let c = cursors.baseAddress! + worker * buckets
                            for i in (worker * chunk)..<min(n, (worker + 1) * chunk) { c[Int(truncatingIfNeeded: (k[i] >> shift) & bucketMask)] &+= 1 }
                        }
                    }
                    let starts = RadixSort.scatterOffsets(cursors, workers: workers, buckets: buckets)
                    Parallel.forEachPiece(workers, threads: threads) { ws in
                        for worker in ws {
                            let c = cursors.baseAddress! + worker * buckets
                            for i in (worker * chunk)..<min(n, (worker + 1) * chunk) {
                                let key = k[i], d = Int(truncatingIfNeeded: (key >> shift) & bucketMask)
                                let at = c[d]
                                c[d] = at &+ 1
                                w[at] = (key & lowMask) << UInt64(valueBits) | UInt64(v[i])
                            }
                        }
                    }
                    // Each bucket: its words sorted alone, then unpacked into place. A bucket that
                    // spreads is sorted into a scratch buffer of the thread's, which stays in cache:
                    // spread into its place in the keys instead, each bucket's first writes to
                    // those lines missed the cache at random.
                    let place = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
                    defer { place.deallocate() }
                    let none = place.bindMemory(to: NoValue.self, capacity: n)
                    let sortedBits = Int(shift) + valueBits
                    starts.withUnsafeBufferPointer { s in
                        var largest = 0
                        for d in 0..<buckets { largest = max(largest, s[d + 1] - s[d]) }
                        let scratchCount = min(largest, RadixSort.spreadLimit)
                        Parallel.forEachChunk(count: buckets, chunk: 16, threads: threads) { range in
                            let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, scratchCount))
                            defer { scratch.deallocate() }
                            for d in range {
                                let lo = s[d], count = s[d + 1] - s[d]
                                guard count > 0 else { continue }
                                let words = UnsafeMutableBufferPointer(start: w + lo, count: count)
                                let values = UnsafeMutableBufferPointer(start: none, count: count)
                                let sorted: UnsafeMutablePointer<UInt64>
                                if RadixSort.spreads(count: count, keyBits: sortedBits) {
                                    RadixSort.spreadAndInsert(keys: words, values: values,
                                                              scratchKeys: UnsafeMutableBufferPointer(start: scratch, count: count),
                                                              scratchValues: values, keyBits: sortedBits, leavingResultInScratch: true)
                                    sorted = scratch
                                } else {
                                    RadixSort.sort(keys: words, values: values,
                                                   scratchKeys: UnsafeMutableBufferPointer(start: k + lo, count: count),
                                                   scratchValues: values, keyBits: sortedBits, threads: 1)
                                    sorted = w + lo
                                }
                                let prefix = UInt64(d) << shift
                                for i in 0..<count {
                                    let word = sorted[i]
                                    k[lo &+ i] = prefix | word >> UInt64(valueBits)
                                    v[lo &+ i] = UInt32(truncatingIfNeeded: word & valueMask)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
