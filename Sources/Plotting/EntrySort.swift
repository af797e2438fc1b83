import PoSpace

/// Sorts a new table's entries by y, carrying their metadata and back pointers along: one
/// scatter of whole entries into buckets by the top bits of y, then a stable sort inside each
/// bucket, which fits in cache, gathering the bucket back into the table's own arrays (free
/// again after the scatter). (Sorting indices and then permuting the entries would read
/// every entry at a random place: at k = 24 that cost several seconds a table.)
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
        // 2^14 to 2^15 entries a bucket: few enough buckets that the scatter's write streams stay
        // in the TLB and cache, small enough that a bucket stays in L2 while it is grouped (2^15
        // records of 32 bytes with four metadata units: 1 MiB). At k = 24 this beat 2^10-entry
        // buckets by 5-10 %, and 2^14 was no faster.
        let bucketBits = min(yBits, max(1, (64 - UInt64(n).leadingZeroBitCount) - 15))
        let shift = UInt64(yBits - bucketBits)
        let buckets = 1 << bucketBits
        let bucketMask = UInt64(buckets - 1)
        let workers = max(1, min(threads, n / 65_536 + 1))
        let chunk = (n + workers - 1) / workers

        // The scatter writes whole entries as records, one write stream a bucket; four separate
        // columns made four streams a bucket, and their stores missed the cache.
        var records = [UInt64](uninitializedCount: n * EntryRecords.stride(units: units))
        var starts = [Int]()
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * buckets)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)

        table.y.withUnsafeMutableBufferPointer { srcY in
            table.metadata.withUnsafeMutableBufferPointer { srcMeta in
                table.left.withUnsafeMutableBufferPointer { srcL in
                    table.right.withUnsafeMutableBufferPointer { srcR in
                        records.withUnsafeMutableBufferPointer { recordBuffer in
                            let records = EntryRecords(base: recordBuffer.baseAddress!, units: units)
                            // Count per worker slice, then offsets bucket-major so the scatter is stable.
                            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                                for w in ws {
                                    let c = cursors.baseAddress! + w * buckets
                                    for i in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int((srcY[i] >> shift) & bucketMask)] += 1 }
                                }
                            }
                            starts = RadixSort.scatterOffsets(cursors, workers: workers, buckets: buckets)
                            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                                for w in ws {
                                    let c = cursors.baseAddress! + w * buckets
                                    for i in (w * chunk)..<min(n, (w + 1) * chunk) {
                                        let d = Int((srcY[i] >> shift) & bucketMask)
                                        let at = c[d]
                                        c[d] = at + 1
                                        records.store(at, y: srcY[i], left: srcL[i], right: srcR[i], meta: srcMeta.baseAddress, entry: i)
                                    }
                                }
                            }
                            // Each bucket on its own, in cache, back into the table's own arrays.
                            let into = Entries(y: srcY.baseAddress!, meta: srcMeta.baseAddress,
                                               left: srcL.baseAddress!, right: srcR.baseAddress!)
                            let from = records
                            starts.withUnsafeBufferPointer { s in
                                Parallel.forEachChunk(count: buckets, chunk: 8, threads: threads) { range in
                                    var scratch = BucketScratch()
                                    for d in range where s[d + 1] > s[d] {
                                        switch order {
                                        case .y:
                                            scratch.sort(start: s[d], end: s[d + 1], lowBits: Int(shift), from: from, into: into)
                                        case .group:
                                            // The bucket's lowest possible y: the shared top bits, then d.
                                            let lowest = from.y(s[d]) & ~((UInt64(1) << UInt64(yBits)) - 1) | UInt64(d) << shift
                                            scratch.group(start: s[d], end: s[d + 1], lowest: lowest, span: UInt64(1) << shift,
                                                          from: from, into: into)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Entries as the scatter lays them out: y, then the two back pointers in one word, then the
/// metadata units (`UInt32` each), padded to whole words.
private struct EntryRecords {
    let base: UnsafeMutablePointer<UInt64>
    let units: Int

    static func stride(units: Int) -> Int { 2 + (units + 1) / 2 }

    @inline(__always) func record(_ i: Int) -> UnsafeMutablePointer<UInt64> { base + i * Self.stride(units: units) }
    @inline(__always) func y(_ i: Int) -> UInt64 { record(i)[0] }

    /// An entry into record `i`: its y and pointers, and its units, entry `entry` of `meta`.
    @inline(__always) func store(_ i: Int, y: UInt64, left: UInt32, right: UInt32, meta: UnsafeMutablePointer<UInt32>?, entry: Int) {
        let r = record(i)
        r[0] = y
        r[1] = UInt64(left) << 32 | UInt64(right)
        if let meta { Self.copyUnits(units, from: UnsafeRawPointer(meta + entry * units), to: UnsafeMutableRawPointer(r + 2)) }
    }

    /// Record `i` into place `a` of `into`'s columns.
    @inline(__always) func move(_ i: Int, to a: Int, _ into: Entries) {
        let r = record(i)
        into.y[a] = r[0]
        into.left[a] = UInt32(truncatingIfNeeded: r[1] >> 32)
        into.right[a] = UInt32(truncatingIfNeeded: r[1])
        if let meta = into.meta { Self.copyUnits(units, from: UnsafeRawPointer(r + 2), to: UnsafeMutableRawPointer(meta + a * units)) }
    }

    /// Copies `units` 32-bit units, two at a time: an entry's units start on a 4-byte boundary only.
    @inline(__always) static func copyUnits(_ units: Int, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        var u = 0
        while u + 2 <= units {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: 4 * u, as: UInt64.self), toByteOffset: 4 * u, as: UInt64.self)
            u += 2
        }
        if u < units {
            destination.storeBytes(of: source.load(fromByteOffset: 4 * u, as: UInt32.self), toByteOffset: 4 * u, as: UInt32.self)
        }
    }
}

/// Where a table's entries are: y, `units` metadata values each, and the back pointers.
private struct Entries {
    let y: UnsafeMutablePointer<UInt64>
    let meta: UnsafeMutablePointer<UInt32>?
    let left: UnsafeMutablePointer<UInt32>
    let right: UnsafeMutablePointer<UInt32>
}

/// One thread's buffers for sorting a bucket.
private struct BucketScratch {
    var keys: [UInt64] = [], order: [UInt32] = [], keys2: [UInt64] = [], order2: [UInt32] = []
    var groupStarts: [Int] = []
    /// kBC as a literal (`group` checks it), so that dividing by it compiles to a multiply.
    private static var kBC: UInt64 { 15113 }

    /// Entries start..<end of `from`, whose y lie in `lowest..<lowest + span`, into the same
    /// places of `into`, grouped by kBC group in one stable counting scatter.
    mutating func group(start: Int, end: Int, lowest: UInt64, span: UInt64, from: EntryRecords, into: Entries) {
        precondition(Self.kBC == Parameters.kBC)
        let first = lowest / Self.kBC
        let groups = Int((lowest + span - 1) / Self.kBC - first) + 1
        if groupStarts.count < groups + 1 { groupStarts = [Int](repeating: 0, count: groups + 1) }
        groupStarts.withUnsafeMutableBufferPointer { g in
            let counts = UnsafeMutableBufferPointer(rebasing: g[..<(groups + 1)])
            counts.update(repeating: 0)
            for i in start..<end { counts[Int(from.y(i) / Self.kBC - first) + 1] += 1 }
            var at = start
            for j in 0..<groups {
                let count = counts[j + 1]
                counts[j] = at
                at += count
            }
            for i in start..<end {
                let j = Int(from.y(i) / Self.kBC - first)
                let a = counts[j]
                counts[j] = a + 1
                from.move(i, to: a, into)
            }
        }
    }

    /// Stable sort of entries start..<end of `from` by the low `lowBits` of y (their high bits
    /// are equal), written to the same places in `into`.
    mutating func sort(start: Int, end: Int, lowBits: Int, from: EntryRecords, into: Entries) {
        let n = end - start
        guard n > 0 else { return }
        if keys.count < n {
            keys = [UInt64](uninitializedCount: n); keys2 = keys
            order = [UInt32](uninitializedCount: n); order2 = order
        }
        let mask = lowBits >= 64 ? UInt64.max : (UInt64(1) << UInt64(lowBits)) - 1
        for i in 0..<n {
            keys[i] = from.y(start + i) & mask
            order[i] = UInt32(i)
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
        order.withUnsafeBufferPointer { o in
            for i in 0..<n { from.move(start + Int(o[i]), to: start + i, into) }
        }
    }
}
