import PoSpace

/// Sorts a new table's entries by y, carrying their metadata and back pointers along: one
/// scatter of whole entries into buckets by the top bits of y (`EntryBuckets`), then a stable
/// sort inside each bucket, which fits in cache, gathering the bucket into the table's arrays.
/// (Sorting indices and then permuting the entries would read every entry at a random place:
/// at k = 24 that cost several seconds a table.)
enum EntrySort {
    /// What the entries end up ordered by.
    enum Order {
        /// y, stably.
        case y
        /// The kBC group of y (`y / kBC`): all that matching needs, since the plot does not depend
        /// on the order of a forward table's entries (final tables are sorted by line point, and
        /// table 7 by f7 and position), only on which entries match. Inside a group, entries keep
        /// the order they came in, except that a group spanning two of the sort's top-bit buckets
        /// has the lower bucket's entries first: the order depends on the input alone.
        case group
    }

    /// Sorts by `order`, looking at the low `yBits` bits of y (bits above them must be equal in
    /// every entry, as in a spilled bucket); `metadata` holds `units` values an entry.
    static func sort(_ table: inout ForwardTable, by order: Order, yBits: Int, units: Int, threads: Int) {
        let n = table.count
        guard n > 1 else { return }
        let bucketBits = EntryBuckets.bucketBits(count: n, yBits: yBits)
        let shift = UInt64(yBits - bucketBits)
        let buckets = 1 << bucketBits
        let bucketMask = UInt64(buckets - 1)
        let workers = max(1, min(threads, n / 65_536 + 1))
        let chunk = (n + workers - 1) / workers
        var counts = [Int](repeating: 0, count: workers * buckets)
        table.y.withUnsafeBufferPointer { y in
            counts.withUnsafeMutableBufferPointer { counts in
                Parallel.forEachSlice(count: workers, threads: workers) { ws in
                    for w in ws {
                        let c = counts.baseAddress! + w * buckets
                        for i in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int((y[i] >> shift) & bucketMask)] &+= 1 }
                    }
                }
            }
        }
        let scattered = counts.withUnsafeBufferPointer {
            EntryBuckets(counts: $0, bucketBits: bucketBits, yBits: yBits, units: units)
        }
        table.withColumns { columns in
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let start = w * chunk
                    scattered.scatter(block: w, count: min(n, start + chunk) - start, y: columns.y + start,
                                      meta: columns.meta.map { UnsafePointer($0 + start * units) },
                                      left: columns.left + start, right: columns.right + start)
                }
            }
            gather(scattered, by: order, yBits: yBits, into: columns, threads: threads)
        }
    }

    /// The entries of `buckets`, sorted by `order` (looking at the low `yBits` bits of y, as in
    /// `sort`), into `into`'s columns, which have room for them all. Each bucket on its own, in cache.
    static func gather(_ buckets: EntryBuckets, by order: Order, yBits: Int, into: EntryColumns, threads: Int) {
        buckets.flushStaging(threads: threads)
        var starts = [0]
        for d in 0..<buckets.buckets { starts.append(starts[d] + buckets.count(ofBucket: d)) }
        let shift = buckets.shift, units = buckets.units
        starts.withUnsafeBufferPointer { s in
            Parallel.forEachChunk(count: buckets.buckets, chunk: 8, threads: threads) { range in
                var scratch = BucketScratch()
                for d in range where s[d + 1] > s[d] {
                    switch order {
                    case .y:
                        scratch.sort(buckets, bucket: d, count: s[d + 1] - s[d], lowBits: Int(shift), units: units,
                                     into: into, at: s[d])
                    case .group:
                        scratch.group(buckets, bucket: d, yBits: yBits, span: UInt64(1) << shift, units: units, into: into, at: s[d])
                    }
                }
            }
        }
    }
}

extension ForwardTable {
    /// Calls `body` with the places of the table's columns (metadata nil where it has none).
    mutating func withColumns<R>(_ body: (EntryColumns) -> R) -> R {
        y.withUnsafeMutableBufferPointer { y in
            metadata.withUnsafeMutableBufferPointer { meta in
                left.withUnsafeMutableBufferPointer { left in
                    right.withUnsafeMutableBufferPointer { right in
                        // An empty array's buffer may still have an address (the shared empty storage).
                        body(EntryColumns(y: y.baseAddress!, meta: meta.isEmpty ? nil : meta.baseAddress,
                                          left: left.baseAddress!, right: right.baseAddress!))
                    }
                }
            }
        }
    }
}

/// One thread's buffers for sorting a bucket.
private struct BucketScratch {
    var keys: [UInt64] = [], order: [UInt32] = [], keys2: [UInt64] = [], order2: [UInt32] = []
    var records: [UnsafePointer<UInt64>] = []
    var groupStarts: [Int] = []
    /// kBC as a literal (`group` checks it), so that dividing by it compiles to a multiply.
    private static var kBC: UInt64 { 15113 }

    /// Bucket `d` of `buckets` into `into` from place `at` on, grouped by kBC group by a stable
    /// counting sort. Its y lie in `lowest..<lowest + span`, where `lowest` is the shared bits
    /// above `yBits`, then d.
    mutating func group(_ buckets: EntryBuckets, bucket d: Int, yBits: Int, span: UInt64, units: Int, into: EntryColumns, at: Int) {
        precondition(Self.kBC == Parameters.kBC)
        var any: UInt64 = 0
        buckets.forEachRun(ofBucket: d) { run, _ in any = run.y(0) }
        let lowest = any & ~((UInt64(1) << UInt64(yBits)) - 1) | UInt64(d) << buckets.shift
        let first = lowest / Self.kBC
        let groups = Int((lowest + span - 1) / Self.kBC - first) + 1
        if groupStarts.count < groups + 1 { groupStarts = [Int](repeating: 0, count: groups + 1) }
        groupStarts.withUnsafeMutableBufferPointer { g in
            let counts = UnsafeMutableBufferPointer(rebasing: g[..<(groups + 1)])
            counts.update(repeating: 0)
            buckets.forEachRun(ofBucket: d) { run, n in
                for i in 0..<n { counts[Int(run.y(i) / Self.kBC &- first) &+ 1] &+= 1 }
            }
            var place = 0
            for j in 0..<groups {
                let count = counts[j + 1]
                counts[j] = place
                place += count
            }
            let n = place
            if records.count < n { records = [UnsafePointer<UInt64>](uninitializedCount: n) }
            records.withUnsafeMutableBufferPointer { source in
                // Which record goes to each place, in this thread's array, which stays in cache...
                let stride = EntryRecords.stride(units: units)
                buckets.forEachRun(ofBucket: d) { run, count in
                    for i in 0..<count {
                        let r = run.base + i &* stride
                        let j = Int(r[0] / Self.kBC &- first)
                        let a = counts[j]
                        counts[j] = a &+ 1
                        source[a] = UnsafePointer(r)
                    }
                }
                // ...then the columns written in order, reading the records (in cache) where they
                // are: written at random places instead, each line's first write missed the cache.
                // Each metadata width in its own copy of the loop, with the record's size a constant
                // (measured: the gather of 2- and 3-unit tables took 85-99 ms a table with it variable, 48-61 with it fixed).
                @inline(__always) func moveAll(units: Int) {
                    for a in 0..<n { EntryRecords.move(source[a], units: units, to: at &+ a, into) }
                }
                switch units {
                case 2: moveAll(units: 2)
                case 3: moveAll(units: 3)
                case 4: moveAll(units: 4)
                default: moveAll(units: units)
                }
            }
        }
    }

    /// Stable sort of bucket `d` of `buckets` (`n` entries) by the low `lowBits` of y (their high
    /// bits are equal), into `into` from place `at` on.
    mutating func sort(_ buckets: EntryBuckets, bucket d: Int, count n: Int, lowBits: Int, units: Int,
                       into: EntryColumns, at: Int) {
        if keys.count < n {
            keys = [UInt64](uninitializedCount: n); keys2 = keys
            order = [UInt32](uninitializedCount: n); order2 = order
            records = [UnsafePointer<UInt64>](uninitializedCount: n)
        }
        let mask = lowBits >= 64 ? UInt64.max : (UInt64(1) << UInt64(lowBits)) - 1
        var i = 0
        buckets.forEachRun(ofBucket: d) { run, count in
            for j in 0..<count {
                keys[i] = run.y(j) & mask
                order[i] = UInt32(i)
                records[i] = UnsafePointer(run.record(j))
                i += 1
            }
        }
        keys.withUnsafeMutableBufferPointer { k in
            order.withUnsafeMutableBufferPointer { o in
                keys2.withUnsafeMutableBufferPointer { k2 in
                    order2.withUnsafeMutableBufferPointer { o2 in
                        RadixSort.sort(keys: UnsafeMutableBufferPointer(rebasing: k[..<n]),
                                       values: UnsafeMutableBufferPointer(rebasing: o[..<n]),
                                       scratchKeys: UnsafeMutableBufferPointer(rebasing: k2[..<n]),
                                       scratchValues: UnsafeMutableBufferPointer(rebasing: o2[..<n]),
                                       keyBits: lowBits, threads: 1)
                    }
                }
            }
        }
        for i in 0..<n { EntryRecords.move(records[Int(order[i])], units: units, to: at + i, into) }
    }
}
