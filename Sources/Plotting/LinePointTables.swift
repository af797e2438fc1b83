import Compute
import PoSpace

/// Phase 3: the plot's final tables. Final table t (1…6) holds one line point per kept entry
/// of forward table t + 1: the pair of its two inputs — x values for t = 1, positions in final
/// table t − 1 otherwise — sorted ascending. Final table 7 lists, for each table-7 entry, its
/// f7 (k bits) and its position in final table 6, sorted by (f7, position).
struct LinePointTables {
    /// `linePoints[t]` for t = 1…6 (index 0 unused), ascending.
    var linePoints: [[UInt64]]
    /// Table 7, sorted by (f7, position).
    var f7: [UInt64]
    var positions: [UInt64]

    init(forward tables: [ForwardTable], used: [EntryBits], k: Int, threads: Int) {
        var linePoints = [[UInt64]](repeating: [], count: 7)
        let table7 = Self.compute(forward: tables, used: used, k: k, threads: threads) { linePoints[$0] = $1 }
        self.linePoints = linePoints
        let shift = UInt64(table7.positionBits)
        f7 = table7.entries.map { $0 >> shift }
        positions = table7.entries.map { $0 & ((1 << shift) - 1) }
    }

    /// Computes final tables 1–6 in order and hands each to `finished` as soon as it is sorted,
    /// keeping none of them (the plotter stores one while the next is computed); returns
    /// table 7's entries sorted by (f7, position), each as one word `f7 << positionBits |
    /// position` (as `Table7ParkWriter` takes them: split into two arrays, they took 266 MB more
    /// at k = 24, written and read once more). Each forward table's pointers (and table 1's x
    /// values) are released once read, so that the next tables' buffers reuse their memory.
    static func compute(forward tables: consuming [ForwardTable], used: [EntryBits], k: Int, threads: Int,
                        finished: (_ table: Int, _ linePoints: [UInt64]) -> Void) -> (entries: [UInt64], positionBits: Int) {
        // newPosition[i]: where kept entry i of the current forward table landed in its final table.
        var newPosition = [UInt32]()
        var previousSize = 0
        for t in 1...6 {
            let source = tables[t + 1]
            let keep = used[t + 1]
            // Kept entries grouped by left pointer, then their line points, on all threads.
            var (keys, order) = Self.linePoints(of: source, kept: keep, previousCount: tables[t].count,
                                                xs: tables[1].metadata, positions: newPosition, table: t, threads: threads)
            // Line points of two values below `limit` (x values, then positions in the previous
            // final table) are at most the one of the two largest.
            let limit = t == 1 ? 1 << k : previousSize
            let keyBits = 64 - LinePoint.encode(UInt64(max(1, limit - 1)), UInt64(max(0, limit - 2))).leadingZeroBitCount
            let entryBits = 64 - UInt64(max(1, source.count - 1)).leadingZeroBitCount
            PackedSort.sort(&keys, &order, keyBits: keyBits, valueBits: entryBits, threads: threads)
            newPosition = PositionMap.inverting(order, count: source.count, threads: threads)
            tables[t + 1].left = []
            tables[t + 1].right = []
            if t == 1 { tables[1].metadata = [] }
            previousSize = keys.count
            finished(t, keys)
        }
        // Table 7: every entry is kept; sort by f7 then by position in final table 6.
        let t7 = tables[7]
        let positionBits = 64 - UInt64(max(1, t7.count)).leadingZeroBitCount
        let n = t7.count
        var keys = [UInt64](uninitializedCount: n)
        t7.y.withUnsafeBufferPointer { y in
            newPosition.withUnsafeBufferPointer { p in
                keys.withUnsafeMutableBufferPointer { keys in
                    Parallel.forEachChunk(count: n, chunk: 1 << 16, threads: threads) { slice in
                        for i in slice { keys[i] = (y[i] >> UInt64(Parameters.extraBits)) << UInt64(positionBits) | UInt64(p[i]) }
                    }
                }
            }
        }
        // The keys hold all there is: no index rides along.
        sortKeys(&keys, keyBits: k + positionBits, threads: threads)
        return (keys, positionBits)
    }

    /// The line points of the kept entries `kept` of `source` (forward table `table + 1`), from
    /// the x values `xs` (table 1) or the `positions` of the previous forward table's kept
    /// entries in their final table; in grouped order (`PairsByLeft`), each with its entry.
    private static func linePoints(of source: ForwardTable, kept: EntryBits, previousCount: Int, xs: [UInt32], positions: [UInt32],
                                   table t: Int, threads: Int) -> (keys: [UInt64], entries: [UInt32]) {
        let pairs = source.left.withUnsafeBufferPointer { l in
            source.right.withUnsafeBufferPointer { r in
                PairsByLeft(kept, left: l, right: r, previousCount: previousCount, threads: threads)
            }
        }
        var keys = [UInt64](uninitializedCount: pairs.count), entries = [UInt32](uninitializedCount: pairs.count)
        keys.withUnsafeMutableBufferPointer { out in
            entries.withUnsafeMutableBufferPointer { entries in
                pairs.records.withUnsafeBufferPointer { records in
                    (t == 1 ? xs : positions).withUnsafeBufferPointer { inputs in
                        let input = inputs.baseAddress!
                        Parallel.forEachChunk(count: out.count, chunk: 1 << 16, threads: threads) { slice in
                            // Each group's stretch of inputs (and the start of the next, where right
                            // pointers lead) is read once in order before the group's entries look
                            // them up at random: each lookup waited for its line.
                            var group = -1
                            for j in slice {
                                let a = Int(records[3 &* j]), b = Int(records[3 &* j &+ 1])
                                if a >> PairsByLeft.groupBits != group {
                                    group = a >> PairsByLeft.groupBits
                                    let low = group << PairsByLeft.groupBits
                                    let high = min(inputs.count, low + (1 << PairsByLeft.groupBits) + 4096)
                                    Prefetch.read(input + low, count: high - low)
                                }
                                out[j] = LinePoint.encode(UInt64(input[a]), UInt64(input[b]))
                                entries[j] = records[3 &* j &+ 2]
                            }
                        }
                    }
                }
            }
        }
        return (keys, entries)
    }
}

/// Sorts keys alone by their low `keyBits` bits.
func sortKeys(_ keys: inout [UInt64], keyBits: Int, threads: Int) {
    let n = keys.count
    var scratch = [UInt64](uninitializedCount: n)
    // Values of no size are never stored: one byte's place serves them all.
    let place = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
    defer { place.deallocate() }
    let values = UnsafeMutableBufferPointer(start: place.bindMemory(to: NoValue.self, capacity: n), count: n)
    keys.withUnsafeMutableBufferPointer { k in
        scratch.withUnsafeMutableBufferPointer { sk in
            RadixSort.sort(keys: k, values: values, scratchKeys: sk, scratchValues: values, keyBits: keyBits, threads: threads)
        }
    }
}

/// Sorts keys with their values riding along, by the low `keyBits` bits (stable).
func sortPairs(_ keys: inout [UInt64], _ values: inout [UInt32], keyBits: Int, threads: Int) {
    let n = keys.count
    var scratchKeys = [UInt64](uninitializedCount: n)
    var scratchValues = [UInt32](uninitializedCount: n)
    keys.withUnsafeMutableBufferPointer { k in
        values.withUnsafeMutableBufferPointer { v in
            scratchKeys.withUnsafeMutableBufferPointer { sk in
                scratchValues.withUnsafeMutableBufferPointer { sv in
                    RadixSort.sort(keys: k, values: v, scratchKeys: sk, scratchValues: sv, keyBits: keyBits, threads: threads)
                }
            }
        }
    }
}
