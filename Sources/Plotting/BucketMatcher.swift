import PoSpace

/// Finds every match between adjacent kBC buckets of a y-sorted table: the hot loop of
/// forward propagation. One matcher per thread; it owns the scratch map of the right bucket.
struct BucketMatcher {
    /// Per slot of the right bucket (`y mod kBC`): how many entries, and the first one's offset.
    private var slotCount: [UInt16]
    private var slotStart: [UInt32]
    /// `(2m + parity)² mod kC` for parity 0 and 1, m in 0..<64.
    private let squares: [UInt16]

    init() {
        slotCount = [UInt16](repeating: 0, count: Int(Parameters.kBC))
        slotStart = [UInt32](repeating: 0, count: Int(Parameters.kBC))
        var sq = [UInt16]()
        for parity in 0..<2 {
            for m in 0..<64 {
                let t = 2 * m + parity
                sq.append(UInt16((t * t) % Int(Parameters.kC)))
            }
        }
        squares = sq
    }

    /// Matches the buckets in `buckets` (each: bucket id and entry range, ascending, covering
    /// `y`), appending pairs (left, right) in order of left position, then m, then right position.
    mutating func match(y: UnsafePointer<UInt64>, buckets: ArraySlice<Bucket>, next: Bucket?,
                        left: inout [UInt32], right: inout [UInt32]) {
        let kBC = Parameters.kBC, kC = UInt64(Parameters.kC), kB = UInt64(Parameters.kB)
        var all = Array(buckets)
        if let next { all.append(next) }
        slotCount.withUnsafeMutableBufferPointer { countBuffer in
            slotStart.withUnsafeMutableBufferPointer { startBuffer in
                squares.withUnsafeBufferPointer { sqBuffer in
                    let count = countBuffer.baseAddress!, start = startBuffer.baseAddress!, sq = sqBuffer.baseAddress!
                    for i in 0..<(all.count - 1) where all[i + 1].id == all[i].id + 1 {
                        let l = all[i], r = all[i + 1]
                        let rBase = r.id * kBC
                        for p in r.range {
                            let slot = Int(y[p] - rBase)
                            if count[slot] == 0 { start[slot] = UInt32(p) }
                            count[slot] += 1
                        }
                        let lBase = l.id * kBC
                        let parityOffset = Int(l.id & 1) * 64
                        for p in l.range {
                            let position = y[p] - lBase
                            let bL = position / kC, cL = position % kC
                            for m in 0..<64 {
                                var b = bL + UInt64(m)
                                if b >= kB { b -= kB }
                                var c = cL + UInt64(sq[parityOffset + m])
                                if c >= kC { c -= kC }
                                let target = Int(b * kC + c)
                                let n = count[target]
                                if n != 0 {
                                    let first = start[target]
                                    for j in 0..<UInt32(n) {
                                        left.append(UInt32(p))
                                        right.append(first + j)
                                    }
                                }
                            }
                        }
                        for p in r.range { count[Int(y[p] - rBase)] = 0 }
                    }
                }
            }
        }
    }
}

/// A run of entries sharing `y / kBC`.
struct Bucket {
    let id: UInt64
    let range: Range<Int>

    /// The buckets of a y-sorted table, in order.
    static func split(_ y: UnsafeBufferPointer<UInt64>) -> [Bucket] {
        var buckets = [Bucket]()
        var start = 0
        while start < y.count {
            let id = y[start] / Parameters.kBC
            let end = (id + 1) * Parameters.kBC
            var i = start + 1
            while i < y.count, y[i] < end { i += 1 }
            buckets.append(Bucket(id: id, range: start..<i))
            start = i
        }
        return buckets
    }
}
