import PoSpace

/// Finds every match between adjacent kBC buckets of a table whose entries are grouped by
/// bucket (in any order within a bucket): the hot loop of forward propagation. One matcher per
/// thread; it owns the scratch map of the right bucket.
struct BucketMatcher {
    /// Sixteen probes at a time: every slot (< kBC) fits in 16 bits.
    typealias Lanes = SIMD16<UInt16>
    /// kC as a literal (`init` checks it), so that splitting each position into (b, c) compiles
    /// to a multiply: `Parameters.kC` (a global of another module) or a value the loop's closure
    /// captures is not folded, and costs a division per entry.
    private static var kC: UInt64 { 127 }
    /// Per slot of the right bucket (`y mod kBC`): the first entry's offset in the bucket, or
    /// `empty`; the entries of a slot are chained in `nextInSlot`, ascending. 16-bit offsets
    /// keep the slot map (30 KB) in L1 (a bucket holds about 236 entries: kBC / 2^6).
    private var slotHead: [UInt16]
    private var nextInSlot: [UInt16] = []
    private static var empty: UInt16 { .max }
    /// `(2m + parity)² mod kC` for m in 0..<64, as 4 lane groups: parity 0, then parity 1.
    private let squares: [Lanes]

    init() {
        precondition(Self.kC == Parameters.kC)
        slotHead = [UInt16](repeating: Self.empty, count: Int(Parameters.kBC))
        var sq = [Lanes]()
        for parity in 0..<2 {
            for group in 0..<4 {
                var lanes = Lanes()
                for lane in 0..<16 {
                    let t = 2 * (16 * group + lane) + parity
                    lanes[lane] = UInt16((t * t) % Int(Parameters.kC))
                }
                sq.append(lanes)
            }
        }
        squares = sq
    }

    /// Matches the buckets in `buckets` (each: bucket id and entry range, ascending, covering
    /// `y`), appending pairs (left, right) in order of left position, then m, then right position.
    mutating func match(y: UnsafePointer<UInt64>, buckets: ArraySlice<Bucket>, next: Bucket?, into pairs: inout MatchPairs) {
        let kBC = Parameters.kBC
        var all = Array(buckets)
        if let next { all.append(next) }
        let widest = all.reduce(0) { max($0, $1.range.count) }
        precondition(widest < Int(Self.empty), "a kBC bucket of \(widest) entries")
        if nextInSlot.count < widest { nextInSlot = [UInt16](repeating: 0, count: widest) }
        slotHead.withUnsafeMutableBufferPointer { headBuffer in
            nextInSlot.withUnsafeMutableBufferPointer { nextBuffer in
                squares.withUnsafeBufferPointer { sqBuffer in
                    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 4) { targetBuffer in
                        let head = headBuffer.baseAddress!, chain = nextBuffer.baseAddress!
                        let targets = targetBuffer.baseAddress!
                        let targetWords = UnsafeRawPointer(targets).assumingMemoryBound(to: UInt16.self)
                        let kBLanes = Lanes(repeating: UInt16(Parameters.kB)), kCLanes = Lanes(repeating: UInt16(Self.kC))
                        var mLanes = [Lanes](), m = Lanes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                        for _ in 0..<4 { mLanes.append(m); m &+= 16 }
                        for i in 0..<(all.count - 1) where all[i + 1].id == all[i].id + 1 {
                            let l = all[i], r = all[i + 1]
                            let rBase = r.id * kBC, rFirst = r.range.lowerBound
                            // Chained back to front, so each slot's chain runs in position order.
                            for p in r.range.reversed() {
                                let slot = Int(y[p] - rBase)
                                chain[p - rFirst] = head[slot]
                                head[slot] = UInt16(truncatingIfNeeded: p - rFirst)
                            }
                            let lBase = l.id * kBC
                            let sq = sqBuffer.baseAddress! + Int(l.id & 1) * 4
                            for p in l.range {
                                let position = y[p] - lBase
                                let bL = Lanes(repeating: UInt16(position / Self.kC)), cL = Lanes(repeating: UInt16(position % Self.kC))
                                // The 64 slots of the right bucket that match this entry, one per m.
                                for g in 0..<4 {
                                    var b = bL &+ mLanes[g]
                                    b = b.replacing(with: b &- kBLanes, where: b .>= kBLanes)
                                    var c = cL &+ sq[g]
                                    c = c.replacing(with: c &- kCLanes, where: c .>= kCLanes)
                                    targets[g] = b &* kCLanes &+ c
                                }
                                // Probe all 64 into a bit mask, then visit its set bits in m order. The
                                // probes are independent loads with no branch between them.
                                var occupied: UInt64 = 0
                                for t in 0..<64 {
                                    let bit: UInt64 = head[Int(targetWords[t])] != Self.empty ? 1 : 0
                                    occupied |= bit &<< UInt64(t)
                                }
                                while occupied != 0 {
                                    let target = Int(targetWords[occupied.trailingZeroBitCount])
                                    occupied &= occupied &- 1
                                    var j = head[target]
                                    while j != Self.empty {
                                        pairs.append(UInt32(p), UInt32(rFirst + Int(j)))
                                        j = chain[Int(j)]
                                    }
                                }
                            }
                            for p in r.range { head[Int(y[p] - rBase)] = Self.empty }
                        }
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
