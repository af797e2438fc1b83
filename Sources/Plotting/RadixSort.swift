import PoSpace

/// Stable LSD radix sort of 64-bit keys with a value riding along (a 32-bit index, or nothing:
/// `NoValue`), on the low `keyBits` bits of the key. Equal keys keep their input order, which
/// is what makes the plotter's output independent of how the work was split.
enum RadixSort {
    static let digitBits = 11

    /// Sorts `keys` and `values` (same count) in place, using `scratchKeys`/`scratchValues`
    /// (same count) as the other half of each pass.
    static func sort<Value>(keys: UnsafeMutableBufferPointer<UInt64>, values: UnsafeMutableBufferPointer<Value>,
                            scratchKeys: UnsafeMutableBufferPointer<UInt64>, scratchValues: UnsafeMutableBufferPointer<Value>,
                     keyBits: Int, threads: Int) {
        let n = keys.count
        guard n > 1, keyBits > 0 else { return }
        if n >= 1 << 20, keyBits > 2 * digitBits {
            sortByBuckets(keys: keys, values: values, scratchKeys: scratchKeys, scratchValues: scratchValues,
                          keyBits: keyBits, threads: threads)
            return
        }
        if spreads(count: n, keyBits: keyBits) {
            spreadAndInsert(keys: keys, values: values, scratchKeys: scratchKeys, scratchValues: scratchValues, keyBits: keyBits)
            return
        }
        let passes = (keyBits + digitBits - 1) / digitBits
        let radix = 1 << digitBits
        let workers = max(1, min(threads, n / 65_536 + 1))
        let histograms = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * radix)
        defer { histograms.deallocate() }
        var srcK = keys.baseAddress!, srcV = values.baseAddress!
        var dstK = scratchKeys.baseAddress!, dstV = scratchValues.baseAddress!
        let chunk = (n + workers - 1) / workers
        for pass in 0..<passes {
            let shift = UInt64(pass * digitBits)
            let mask = UInt64(radix - 1)
            histograms.update(repeating: 0)
            let (sk, sv, dk, dv) = (srcK, srcV, dstK, dstV)
            // Count digits per worker slice.
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let h = histograms.baseAddress! + w * radix
                    for i in (w * chunk)..<min(n, (w + 1) * chunk) { h[Int((sk[i] >> shift) & mask)] &+= 1 }
                }
            }
            _ = scatterOffsets(histograms, workers: workers, buckets: radix)
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let h = histograms.baseAddress! + w * radix
                    for i in (w * chunk)..<min(n, (w + 1) * chunk) {
                        let d = Int((sk[i] >> shift) & mask)
                        let at = h[d]
                        h[d] = at &+ 1
                        dk[at] = sk[i]
                        dv[at] = sv[i]
                    }
                }
            }
            swap(&srcK, &dstK)
            swap(&srcV, &dstV)
        }
        if passes % 2 == 1 {
            keys.baseAddress!.update(from: scratchKeys.baseAddress!, count: n)
            copyValues(values.baseAddress!, from: scratchValues.baseAddress!, count: n)
        }
    }

    /// Inputs up to this size with keys of three digits or more take `spreadAndInsert` (measured
    /// on 2^24 keys bucketed first: 48-bit keys sort 20 % faster; for two digits, LSD stays ahead).
    static let spreadLimit = 1 << 16
    /// Whether `count` keys of `keyBits` bits are sorted by `spreadAndInsert`: an input too small
    /// for `sortByBuckets`, or one of its buckets.
    static func spreads(count: Int, keyBits: Int) -> Bool { count <= spreadLimit && keyBits > 2 * digitBits }

    /// `spreadAndInsert` spreads into at most 2^15 slots (128 KiB of counters) and
    /// `sortByBuckets` makes buckets of about 2^15 elements (384 KiB with their values), which
    /// fit L2 with their copies. Against 2^12 (4096 buckets at 2^24 keys, two write streams
    /// each), line points of 2^24 entries sorted 20 % faster, uniform keys 25 %.
    static let spreadBitsLimit = 15

    /// A slot of `spreadAndInsert` up to this size is insertion-sorted; a larger one (keys that
    /// crowd together) is radix-sorted on the remaining bits.
    static let insertionLimit = 32

    /// For small inputs (a cache-sized bucket of a larger sort, usually): one stable counting
    /// scatter by the top bits into about as many slots as elements, then an insertion sort of
    /// each slot, which holds one or two elements when keys are spread out. Each element moves
    /// twice, where an LSD sort of a wide key would move it once per digit and clear and sum a
    /// table of 2^digitBits counts per digit. With `leavingResultInScratch` the sorted elements
    /// are left in the scratch arrays, sparing a copy to a caller that wants them there.
    static func spreadAndInsert<Value>(keys: UnsafeMutableBufferPointer<UInt64>, values: UnsafeMutableBufferPointer<Value>,
                                               scratchKeys: UnsafeMutableBufferPointer<UInt64>, scratchValues: UnsafeMutableBufferPointer<Value>,
                                        keyBits: Int, leavingResultInScratch: Bool = false) {
        let n = keys.count
        let spreadBits = min(keyBits, spreadBitsLimit, 64 - UInt64(n).leadingZeroBitCount)
        let shift = UInt64(keyBits - spreadBits)
        let slots = 1 << spreadBits
        let slotMask = UInt64(slots - 1)
        let keyMask = keyBits >= 64 ? UInt64.max : (UInt64(1) << UInt64(keyBits)) - 1
        let (k, v, sk, sv) = (keys.baseAddress!, values.baseAddress!, scratchKeys.baseAddress!, scratchValues.baseAddress!)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: slots) { cursor in
            cursor.initialize(repeating: 0)
            for i in 0..<n { cursor[Int((k[i] &>> shift) & slotMask)] &+= 1 }
            var total: UInt32 = 0, fullest: UInt32 = 0
            for s in 0..<slots {
                let count = cursor[s]
                cursor[s] = total
                total &+= count
                fullest = max(fullest, count)
            }
            for i in 0..<n {
                let s = Int((k[i] &>> shift) & slotMask)
                let at = Int(cursor[s])
                cursor[s] = UInt32(truncatingIfNeeded: at &+ 1)
                sk[at] = k[i]
                sv[at] = v[i]
            }
            if fullest <= insertionLimit {
                // One insertion sort over the whole array: every key of an earlier slot is
                // smaller, so an element only moves inside its slot, and walking the slots one by
                // one would mispredict a branch on nearly every slot (most hold zero, one or two).
                insertionSort(sk, sv, 0..<n, keyMask: keyMask)
                return
            }
            // Now cursor[s] is where slot s ends.
            var begin = 0
            for s in 0..<slots {
                let end = Int(cursor[s])
                if end - begin > insertionLimit {
                    sort(keys: UnsafeMutableBufferPointer(start: sk + begin, count: end - begin),
                         values: UnsafeMutableBufferPointer(start: sv + begin, count: end - begin),
                         scratchKeys: UnsafeMutableBufferPointer(start: k + begin, count: end - begin),
                         scratchValues: UnsafeMutableBufferPointer(start: v + begin, count: end - begin),
                         keyBits: Int(shift), threads: 1)
                } else if end - begin > 1 {
                    insertionSort(sk, sv, begin..<end, keyMask: keyMask)
                }
                begin = end
            }
        }
        if !leavingResultInScratch {
            k.update(from: sk, count: n)
            copyValues(v, from: sv, count: n)
        }
    }

    /// Stable insertion sort of `range` of `keys` (with `values`) by the bits of `keyMask`.
    ///
    /// After a spread, most elements are in place and the rest one place off (two sharing a slot
    /// come in either order): each element is first ordered with its predecessor without a
    /// branch, which would mispredict on every such pair, and only one that then still precedes
    /// the element below the pair walks further down.
    @inline(__always)
    private static func insertionSort<Value>(_ keys: UnsafeMutablePointer<UInt64>, _ values: UnsafeMutablePointer<Value>,
                                             _ range: Range<Int>, keyMask: UInt64) {
        let first = range.lowerBound
        for i in range.dropFirst() {
            let key = keys[i], value = values[i], masked = key & keyMask
            let before = keys[i &- 1], beforeValue = values[i &- 1]
            let swap = before & keyMask > masked
            keys[i &- 1] = swap ? key : before
            keys[i] = swap ? before : key
            values[i &- 1] = swap ? value : beforeValue
            values[i] = swap ? beforeValue : value
            // Where the pair starts the range, the element below is the pair's smaller one itself.
            let below = keys[max(i &- 2, first)] & keyMask
            guard swap, below > masked else { continue }
            var j = i &- 1
            while j > first, keys[j &- 1] & keyMask > masked {
                keys[j] = keys[j &- 1]
                values[j] = values[j &- 1]
                j &-= 1
            }
            keys[j] = key
            values[j] = value
        }
    }

    /// For large inputs: one stable scatter by the top bits into buckets small enough for the
    /// cache, then an LSD sort of each bucket on the remaining bits. Every element moves
    /// through main memory twice instead of once per digit.
    private static func sortByBuckets<Value>(keys: UnsafeMutableBufferPointer<UInt64>, values: UnsafeMutableBufferPointer<Value>,
                                             scratchKeys: UnsafeMutableBufferPointer<UInt64>, scratchValues: UnsafeMutableBufferPointer<Value>,
                                      keyBits: Int, threads: Int) {
        let n = keys.count
        let bucketBits = min(keyBits - digitBits, max(1, (64 - UInt64(n).leadingZeroBitCount) - spreadBitsLimit))
        let shift = UInt64(keyBits - bucketBits)
        let buckets = 1 << bucketBits
        let mask = UInt64(buckets - 1)
        let workers = Parallel.pieces(count: n, threads: threads)
        let chunk = (n + workers - 1) / workers
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * buckets)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        let (k, v, sk, sv) = (keys.baseAddress!, values.baseAddress!, scratchKeys.baseAddress!, scratchValues.baseAddress!)
        Parallel.forEachPiece(workers, threads: threads) { ws in
            for w in ws {
                let c = cursors.baseAddress! + w * buckets
                for i in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int((k[i] >> shift) & mask)] &+= 1 }
            }
        }
        let starts = scatterOffsets(cursors, workers: workers, buckets: buckets)
        Parallel.forEachPiece(workers, threads: threads) { ws in
            for w in ws {
                let c = cursors.baseAddress! + w * buckets
                for i in (w * chunk)..<min(n, (w + 1) * chunk) {
                    let d = Int((k[i] >> shift) & mask)
                    let at = c[d]
                    c[d] = at &+ 1
                    sk[at] = k[i]
                    sv[at] = v[i]
                }
            }
        }
        // Each bucket: sort its slice of the scratch arrays, then copy it into place. A bucket
        // that spreads is spread into a buffer of the thread's, which stays in cache (spread
        // straight into its place in the input, each bucket's first writes to those lines
        // missed the cache at random); a larger one uses its place in the input as scratch.
        // Threads take up to sixteen buckets at a time as they go: keys need not fill their
        // range (line points of values below 2^v stay below 2^(2v - 1)), so buckets may hold
        // very different shares of the elements.
        starts.withUnsafeBufferPointer { s in
            var largest = 0
            for d in 0..<buckets { largest = max(largest, s[d + 1] - s[d]) }
            let scratchCount = max(1, min(largest, spreadLimit))
            Parallel.forEachChunk(count: buckets, chunk: 16, threads: threads) { chunk in
                let hotKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: scratchCount)
                let hotValues = UnsafeMutablePointer<Value>.allocate(capacity: scratchCount)
                defer {
                    hotKeys.deallocate()
                    hotValues.deallocate()
                }
                for d in chunk {
                    let lo = s[d], hi = s[d + 1]
                    guard hi > lo else { continue }
                    let bucketKeys = UnsafeMutableBufferPointer(start: sk + lo, count: hi - lo)
                    let bucketValues = UnsafeMutableBufferPointer(start: sv + lo, count: hi - lo)
                    let placeKeys = UnsafeMutableBufferPointer(start: k + lo, count: hi - lo)
                    let placeValues = UnsafeMutableBufferPointer(start: v + lo, count: hi - lo)
                    if spreads(count: hi - lo, keyBits: Int(shift)) {
                        spreadAndInsert(keys: bucketKeys, values: bucketValues,
                                        scratchKeys: UnsafeMutableBufferPointer(start: hotKeys, count: hi - lo),
                                        scratchValues: UnsafeMutableBufferPointer(start: hotValues, count: hi - lo),
                                        keyBits: Int(shift), leavingResultInScratch: true)
                        placeKeys.baseAddress!.update(from: hotKeys, count: hi - lo)
                        copyValues(placeValues.baseAddress!, from: hotValues, count: hi - lo)
                    } else {
                        sort(keys: bucketKeys, values: bucketValues, scratchKeys: placeKeys, scratchValues: placeValues,
                             keyBits: Int(shift), threads: 1)
                        placeKeys.baseAddress!.update(from: bucketKeys.baseAddress!, count: hi - lo)
                        copyValues(placeValues.baseAddress!, from: bucketValues.baseAddress!, count: hi - lo)
                    }
                }
            }
        }
    }

    /// Copies `count` values. Values of no size (`NoValue`) all share one byte's place, and
    /// `update(from:count:)` would still copy a byte each, past that place.
    @inline(__always)
    private static func copyValues<Value>(_ destination: UnsafeMutablePointer<Value>, from source: UnsafePointer<Value>, count: Int) {
        if MemoryLayout<Value>.size > 0 { destination.update(from: source, count: count) }
    }

    /// Turns per-worker bucket counts (`counts[w * buckets + d]`) into each worker's first write
    /// position per bucket: exclusive prefix sums bucket-major, then worker, so a scatter in
    /// worker order stays stable. Returns where each bucket starts, plus the total at the end.
    static func scatterOffsets(_ counts: UnsafeMutableBufferPointer<Int>, workers: Int, buckets: Int) -> [Int] {
        var starts = [Int](repeating: 0, count: buckets + 1)
        var total = 0
        for d in 0..<buckets {
            starts[d] = total
            for w in 0..<workers {
                let count = counts[w * buckets + d]
                counts[w * buckets + d] = total
                total += count
            }
        }
        starts[buckets] = total
        return starts
    }
}

/// The value of a sort of keys alone: it takes no memory, so moving it compiles to nothing.
struct NoValue {}
