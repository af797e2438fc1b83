import PoSpace

/// Phase 1: computes tables 1–7 in memory. Table 1 holds f1(x) for every x; table t holds an
/// entry for every match between adjacent buckets of table t − 1, with f_t's output, the
/// collated metadata and pointers back to the two matched entries. Every table ends sorted by y.
struct ForwardPropagation {
    let k: Int
    let plotID: PlotID
    let threads: Int

    /// Table 1: f1 over all 2^k x values, sorted by y (ties keep x order).
    func tableOne() -> ForwardTable {
        let n = 1 << k
        var keys = [UInt64](repeating: 0, count: n)
        var values = [UInt32](repeating: 0, count: n)
        keys.withUnsafeMutableBufferPointer { ys in
            values.withUnsafeMutableBufferPointer { xs in tableOneEntries(start: 0, y: ys, x: xs) }
        }
        sortByY(&keys, &values)
        return ForwardTable(table: 1, y: keys, metadata: values.map { UInt64($0) }, left: [], right: [])
    }

    /// f1 of the x values `start..<start + y.count` into `y`, and those x values into `x`, on all threads.
    func tableOneEntries(start: Int, y ys: UnsafeMutableBufferPointer<UInt64>, x xs: UnsafeMutableBufferPointer<UInt32>) {
        let n = ys.count
        let f1 = F1(k: k, plotID: plotID)
        let chunk = 1 << 14
        Parallel.forEachSlice(count: (n + chunk - 1) / chunk, threads: threads) { chunks in
            for c in chunks {
                let from = c * chunk, count = min(chunk, n - from)
                f1.evaluateRange(start: UInt64(start + from), count: count, into: ys.baseAddress! + from)
                for i in from..<(from + count) { xs[i] = UInt32(start + i) }
            }
        }
    }

    /// Table `previous.table + 1` from its predecessor.
    func nextTable(after previous: ForwardTable) -> ForwardTable {
        let (left, right) = matches(in: previous)
        let (ys, meta) = evaluate(previous, left: left, right: right)
        let outUnits = Parameters.metadataUnits(ofTable: previous.table + 1)
        var result = ForwardTable(table: previous.table + 1, y: ys, metadata: meta, left: left, right: right)
        EntrySort.byY(&result, yBits: k + Parameters.extraBits, units: outUnits, threads: threads)
        return result
    }

    /// f and collated metadata of the next table for the matched pairs (`left[i]`, `right[i]`)
    /// of `previous` (positions in it), in pair order.
    func evaluate(_ previous: ForwardTable, left: [UInt32], right: [UInt32]) -> (y: [UInt64], metadata: [UInt64]) {
        let table = previous.table + 1
        let n = left.count
        let inUnits = Parameters.metadataUnits(ofTable: table - 1)
        let outUnits = Parameters.metadataUnits(ofTable: table)
        var ys = [UInt64](repeating: 0, count: n)
        var meta = [UInt64](repeating: 0, count: n * outUnits)
        let fx = Fx(k: k, table: table)
        let chunk = 1024
        previous.y.withUnsafeBufferPointer { prevY in
            previous.metadata.withUnsafeBufferPointer { prevMeta in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        ys.withUnsafeMutableBufferPointer { outY in
                            meta.withUnsafeMutableBufferPointer { outMeta in
                                Parallel.forEachSlice(count: (n + chunk - 1) / chunk, threads: threads) { chunks in
                                    // Gather each pair's inputs next to each other, then hash them in lanes.
                                    let yIn = UnsafeMutablePointer<UInt64>.allocate(capacity: chunk)
                                    let metaIn = UnsafeMutablePointer<UInt64>.allocate(capacity: chunk * 2 * inUnits)
                                    var spare: UInt64 = 0
                                    defer { yIn.deallocate(); metaIn.deallocate() }
                                    for c in chunks {
                                        let start = c * chunk, count = min(chunk, n - start)
                                        for j in 0..<count {
                                            let a = Int(l[start + j]), b = Int(r[start + j])
                                            yIn[j] = prevY[a]
                                            for u in 0..<inUnits {
                                                metaIn[j * 2 * inUnits + u] = prevMeta[a * inUnits + u]
                                                metaIn[j * 2 * inUnits + inUnits + u] = prevMeta[b * inUnits + u]
                                            }
                                        }
                                        withUnsafeMutablePointer(to: &spare) { spareOut in
                                            fx.evaluate(count: count, y: yIn, yStride: 1,
                                                        left: metaIn, right: metaIn + inUnits, metaStride: 2 * inUnits,
                                                        outY: outY.baseAddress! + start,
                                                        outMeta: outUnits > 0 ? outMeta.baseAddress! + start * outUnits : spareOut,
                                                        outMetaStride: outUnits)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (ys, meta)
    }

    /// All matches of a y-sorted table, in order of left position (threads take runs of buckets).
    func matches(in t: ForwardTable) -> (left: [UInt32], right: [UInt32]) {
        t.y.withUnsafeBufferPointer { y in
            let buckets = Bucket.split(y)
            let parts = max(1, min(threads * 4, buckets.count))
            var lefts = [[UInt32]](repeating: [], count: parts)
            var rights = [[UInt32]](repeating: [], count: parts)
            lefts.withUnsafeMutableBufferPointer { ls in
                rights.withUnsafeMutableBufferPointer { rs in
                    Parallel.forEachSlice(count: parts, threads: threads) { slice in
                        var matcher = BucketMatcher()
                        for part in slice {
                            let lo = part * buckets.count / parts, hi = (part + 1) * buckets.count / parts
                            let estimate = (buckets[hi - 1].range.upperBound - buckets[lo].range.lowerBound) * 11 / 10
                            var pairs = MatchPairs(capacity: estimate)
                            matcher.match(y: y.baseAddress!, buckets: buckets[lo..<hi],
                                          next: hi < buckets.count ? buckets[hi] : nil, into: &pairs)
                            let (l, r) = pairs.take()
                            ls[part] = l
                            rs[part] = r
                        }
                    }
                }
            }
            return (ForwardPropagation.concatenate(lefts), ForwardPropagation.concatenate(rights))
        }
    }

    /// The parts end to end (a plain copy each, unlike the generic `joined()`).
    private static func concatenate(_ parts: [[UInt32]]) -> [UInt32] {
        var all = [UInt32]()
        all.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { all.append(contentsOf: part) }
        return all
    }

    func sortByY(_ keys: inout [UInt64], _ values: inout [UInt32]) {
        sortPairs(&keys, &values, keyBits: k + Parameters.extraBits, threads: threads)
    }
}
