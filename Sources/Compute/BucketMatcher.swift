#if arch(x86_64) && DAYLIGHT_VECTOR_LANES
import _Builtin_intrinsics.intel
#endif
import PoSpace

/// Finds every match between adjacent kBC buckets of a table whose entries are grouped by
/// bucket (in any order within a bucket): the hot loop of forward propagation. One matcher per
/// thread; it owns the scratch layout of the right bucket.
///
/// A left entry in row b, column c (its slot is b·kC + c) matches a right entry in row b + m
/// (mod kB), m < 64, whose column is c + (2m + parity)² (mod kC). The right bucket is laid out by
/// row, rows 0..<64 repeated after the last, so that the 64 rows from any b on are one contiguous
/// window; a left entry tests its whole window (about half the bucket) in blocks of 32 entries,
/// two vectors of sixteen 16-bit lanes, with vector arithmetic alone, instead of 64 dependent
/// table probes; each block's result is a 32-bit mask (on x86, the CPU's byte mask of the two
/// comparisons narrowed to bytes: one instruction, where gathering the lanes' bits in Swift's
/// SIMD types took a dozen). Matches are rare (one per left entry on average), so branching on
/// them would mispredict about once per entry and throw away the vector work queued behind the
/// branch: the windows of a run of left entries are first tested without a branch, keeping the
/// masks and listing the blocks that have a hit, and only then are the listed blocks read out,
/// one loop over the run's list. (Walking each left entry's masks instead mispredicted the end
/// of that walk about once an entry: reading out took as long as testing.)
struct BucketMatcher {
    /// Sixteen right entries at a time (the portable build): row codes and keys fit in 16 bits.
    typealias Lanes = SIMD16<Int16>
    /// kC and kB as literals (`init` checks them), so that splitting each position into (b, c)
    /// compiles to a multiply: `Parameters.kC` (a global of another module) or a value the loop's
    /// closure captures is not folded, and costs a division per entry.
    private static var kC: UInt64 { 127 }
    private static var kB: Int { 119 }
    /// kC's inverse mod 2^16: a 16-bit d is a multiple of kC exactly when d · inverse (mod 2^16)
    /// is at most ⌊(2^16 − 1) / kC⌋ = 516.
    private static var inverse: UInt32 { 49023 }
    /// Rows of the window layout: kB, then rows 0..<64 again.
    private static var windowRows: Int { 119 + 64 }
    /// Left entries tested before their hits are read out: their masks stay in L1.
    private static var run: Int { 32 }
    /// Window entries tested at once, a bit each in a hit mask: two vectors.
    private static var block: Int { 2 * Lanes.scalarCount }
    /// A window is at most the whole right bucket.
    private static var widestBucket: Int { 1024 }
    private static var blocksPerWindow: Int { widestBucket / block }

    /// The right bucket's window layout, in one buffer: the first window entry of each window
    /// row and one past the last (`windowRows + 1`), then per window entry (a run each):
    /// `2·row + parity` (the repeated rows numbered on from kB), the key (see `hitMask`; the
    /// column while the layout is filled), and the entry's offset in the right bucket.
    private var layoutStorage: [UInt16] = []

    /// Per left row b: the left entry's `scale` (low half) and 4b² mod kC (high half), see `hitMask`.
    private let rowTerms: [UInt32]

    init() {
        precondition(Self.kC == Parameters.kC && UInt64(Self.kB) == Parameters.kB && (Self.kC &* UInt64(Self.inverse)) & 0xffff == 1)
        rowTerms = (0..<UInt32(Self.kB)).map { b in
            (4 * b % UInt32(Self.kC) * Self.inverse) & 0xffff | (4 * b * b % UInt32(Self.kC)) << 16
        }
    }

    /// Matches the buckets in `buckets` (each: bucket id and entry range, ascending, covering
    /// `y`), appending pairs (left, right) in order of left position, then m, then right position.
    mutating func match(y: UnsafePointer<UInt64>, buckets: ArraySlice<Bucket>, next: Bucket?, into pairs: inout MatchPairs) {
        var all = Array(buckets)
        if let next { all.append(next) }
        let widest = all.reduce(0) { max($0, $1.range.count) }
        precondition(widest <= Self.widestBucket, "a kBC bucket of \(widest) entries")
        // The window entries, and a block's worth of room for the last loads (whose bits past
        // the window are cleared, whatever those places hold).
        let capacity = 2 * widest + Self.block
        if layoutStorage.count < Self.windowRows + 1 + 3 * capacity {
            layoutStorage = [UInt16](repeating: 0, count: Self.windowRows + 1 + 3 * capacity)
        }
        let rowTerms = self.rowTerms
        layoutStorage.withUnsafeMutableBufferPointer { storage in
            rowTerms.withUnsafeBufferPointer { rowTerms in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.run * Self.blocksPerWindow) { hitBuffer in
                    let start = storage.baseAddress!, row = start + Self.windowRows + 1
                    let layout = WindowLayout(start: start, row: row, key: row + capacity, entry: row + 2 * capacity)
                    for i in 0..<(all.count - 1) where all[i + 1].id == all[i].id + 1 {
                        let l = all[i], r = all[i + 1]
                        layout.fill(y: y, bucket: r, parity: UInt16(truncatingIfNeeded: l.id & 1))
                        Self.matchLeft(y: y, left: l, right: r, layout: layout, rowTerms: rowTerms.baseAddress!,
                                       hits: hitBuffer.baseAddress!, into: &pairs)
                    }
                }
            }
        }
    }

    /// Matches part `part` of `buckets` split into `parts` runs of consecutive buckets (a run's
    /// last bucket matches against the next run's first), appending pairs as `match` does.
    mutating func match(part: Int, of parts: Int, buckets: [Bucket], y: UnsafePointer<UInt64>, into pairs: inout MatchPairs) {
        let lo = part * buckets.count / parts, hi = (part + 1) * buckets.count / parts
        guard lo < hi else { return }
        match(y: y, buckets: buckets[lo..<hi], next: hi < buckets.count ? buckets[hi] : nil, into: &pairs)
    }

    /// The right bucket in window order: rows ascending, each row's entries in position order.
    private struct WindowLayout {
        let start: UnsafeMutablePointer<UInt16>
        let row: UnsafeMutablePointer<UInt16>
        let key: UnsafeMutablePointer<UInt16>
        let entry: UnsafeMutablePointer<UInt16>

        @inline(__always)
        func fill(y: UnsafePointer<UInt64>, bucket r: Bucket, parity: UInt16) {
            let base = r.id &* Parameters.kBC, first = r.range.lowerBound
            for b in 0...windowRows { start[b] = 0 }
            for p in r.range { start[Int((y[p] &- base) / kC) &+ 1] &+= 1 }
            var total: UInt16 = 0
            for b in 0..<kB {
                total &+= start[b &+ 1]
                start[b &+ 1] = total
            }
            // The repeated rows hold as many entries as rows 0..<64.
            for b in kB..<windowRows { start[b &+ 1] = start[b] &+ start[b &- kB &+ 1] &- start[b &- kB] }
            // `start` holds each row's first entry; filling advances it to the row's end. `key`
            // holds the column until every entry is placed...
            for p in r.range {
                let slot = y[p] &- base
                let b = Int(slot / kC), c = UInt16(truncatingIfNeeded: slot % kC), e = UInt16(truncatingIfNeeded: p &- first)
                let at = Int(start[b])
                start[b] &+= 1
                row[at] = UInt16(truncatingIfNeeded: 2 &* b) | parity; key[at] = c; entry[at] = e
            }
            // ...rows 0..<64 are copied after the last row, numbered on from kB...
            let repeated = Int(start[63]), copy = Int(start[kB &- 1])
            let renumber = UInt16(2 * kB)
            for i in 0..<repeated {
                row[copy &+ i] = row[i] &+ renumber; key[copy &+ i] = key[i]; entry[copy &+ i] = entry[i]
            }
            // ...and then each column c becomes the entry's key (see `hitMask`), sixteen at a time
            // (the room after the last entry takes the last vector's extra lanes).
            let end = copy &+ repeated
            var i = 0
            while i < end {
                let r = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD16<UInt16>.self)
                let c = UnsafeRawPointer(key + i).loadUnaligned(as: SIMD16<UInt16>.self)
                let square = reduced(reduced(r) &* reduced(r))
                let k = (c &+ SIMD16(repeating: 3 * UInt16(kC)) &- square) &* SIMD16(repeating: UInt16(inverse))
                UnsafeMutableRawPointer(key + i).storeBytes(of: k ^ SIMD16(repeating: 0x8000), as: SIMD16<UInt16>.self)
                i &+= 16
            }
            // Rows 0..<kB were advanced to their ends: one row further on, they hold the starts again.
            for b in stride(from: kB &- 1, to: 0, by: -1) { start[b] = start[b &- 1] }
            start[0] = 0
        }
    }

    /// Tests every left entry against its window, a run of entries at a time.
    @inline(__always)
    private static func matchLeft(y: UnsafePointer<UInt64>, left l: Bucket, right r: Bucket, layout: WindowLayout,
                                  rowTerms: UnsafePointer<UInt32>, hits: UnsafeMutablePointer<UInt32>, into pairs: inout MatchPairs) {
        let lBase = l.id * Parameters.kBC, rFirst = r.range.lowerBound
        withUnsafeTemporaryAllocation(of: (from: Int32, to: Int32).self, capacity: run) { windowBuffer in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: run * blocksPerWindow) { listBuffer in
                let windows = windowBuffer.baseAddress!, list = listBuffer.baseAddress!
                var runStart = l.range.lowerBound
                while runStart < l.range.upperBound {
                    let runEnd = min(runStart + run, l.range.upperBound)
                    // Test: every block's hit mask is kept, and the blocks with any hit are listed (left
                    // entry of the run, and the block's place in `hits`) without a branch.
                    var stored = 0, listed = 0
                    for p in runStart..<runEnd {
                        let slot = y[p] &- lBase
                        let b = Int(slot / kC), c = slot % kC
                        let from = Int(layout.start[b]), to = Int(layout.start[b &+ 64])
                        let tag = UInt32(truncatingIfNeeded: p &- runStart) << 16
                        // Where the window's first block's entries are, less its place in `hits` (as blocks).
                        windows[p &- runStart] = (Int32(truncatingIfNeeded: from &- stored &* block), Int32(truncatingIfNeeded: to))
                        let terms = rowTerms[b]
                        let scale = UInt16(truncatingIfNeeded: terms)
                        let offset = UInt16(truncatingIfNeeded: ((terms &>> 16) &+ UInt32(truncatingIfNeeded: c)) &* inverse)
                        var at = from
                        while at < to {
                            let mask = hitMask(layout, at: at, scale: scale, offset: offset)
                            hits[stored] = mask
                            list[listed] = tag | UInt32(truncatingIfNeeded: stored)
                            listed &+= Int(truncatingIfNeeded: (mask | (0 &- mask)) >> 31)
                            stored &+= 1
                            at &+= block
                        }
                    }
                    // Read out the listed blocks in order: left entry, then window order, then entry, which
                    // is the order of left position, m, then right position. A block holds one hit, seldom two.
                    var out = pairs.writer(reserving: listed &* block)
                    for i in 0..<listed {
                        let item = list[i]
                        let q = Int(item >> 16), h = Int(item & 0xffff)
                        let window = windows[q]
                        // `window.from` holds the window's first entry less its first block's place in `hits`.
                        let at = Int(window.from) &+ h &* block
                        // The last block may run past the window.
                        var bits = UInt64(entryOrder(hits[h])) & ((1 &<< UInt64(min(block, Int(window.to) &- at))) &- 1)
                        let left = UInt32(truncatingIfNeeded: runStart &+ q)
                        @inline(__always) func right(_ offset: Int) -> UInt32 {
                            UInt32(truncatingIfNeeded: rFirst &+ Int(layout.entry[at &+ offset]))
                        }
                        // The first hit is written whether there is one or not (a false hit past the
                        // window's end leaves none), the rest in a loop that is seldom entered.
                        out.append(left, right(bits.trailingZeroBitCount & (block - 1)), if: bits != 0)
                        bits &= bits &- 1
                        while bits != 0 {
                            out.append(left, right(bits.trailingZeroBitCount), if: true)
                            bits &= bits &- 1
                        }
                    }
                    pairs.finish(out)
                    runStart = runEnd
                }
            }
        }
    }

    /// The entries of a block that left entry (b, c) matches: window entries `at ..< at + 32`,
    /// whose row code R (less 2b) is `t = 2m + parity` and whose column c' must be (t² + c) mod kC.
    /// A bit an entry, in the order `entryOrder` undoes.
    ///
    /// Since t² = R² − 4bR + 4b², the test is whether D = (c' + 3kC − R² mod kC) + (4b mod kC)·R −
    /// (4b² mod kC + c) is a multiple of kC (0 < D < 2^16: R < 366). Multiplied by kC's inverse mod 2^16
    /// (`inverse`), each part is a 16-bit constant: the entry's `key` (its part, stored with the
    /// top bit flipped), the left entry's `scale` (for R) and `offset`. So each lane costs a
    /// multiply, an add, a subtract and a signed compare: the top bit flipped, D · inverse ≤ 516
    /// reads as a signed value below −32768 + 517.
    @inline(__always)
    private static func hitMask(_ layout: WindowLayout, at: Int, scale: UInt16, offset: UInt16) -> UInt32 {
        let rows = UnsafeRawPointer(layout.row + at), keys = UnsafeRawPointer(layout.key + at)
        #if arch(x86_64) && DAYLIGHT_VECTOR_LANES
        let s = _mm256_set1_epi16(Int16(bitPattern: scale)), o = _mm256_set1_epi16(Int16(bitPattern: offset))
        let limit = _mm256_set1_epi16(-32768 + 517)
        @inline(__always) func hit(_ at: Int) -> __m256i {
            let r = rows.loadUnaligned(fromByteOffset: at, as: __m256i.self)
            let d = _mm256_sub_epi16(_mm256_add_epi16(_mm256_mullo_epi16(r, s), keys.loadUnaligned(fromByteOffset: at, as: __m256i.self)), o)
            return _mm256_cmpgt_epi16(limit, d)
        }
        // Both vectors' lanes narrowed to bytes, a bit each: bytes 0-7 and 16-23 are the first
        // vector's lanes, 8-15 and 24-31 the second's.
        return UInt32(bitPattern: _mm256_movemask_epi8(_mm256_packs_epi16(hit(0), hit(32))))
        #else
        let s = Lanes(repeating: Int16(bitPattern: scale)), o = Lanes(repeating: Int16(bitPattern: offset))
        let limit = Lanes(repeating: -32768 + 517)
        @inline(__always) func bits(_ at: Int) -> UInt64 {
            let d = rows.loadUnaligned(fromByteOffset: at, as: Lanes.self) &* s &+ keys.loadUnaligned(fromByteOffset: at, as: Lanes.self) &- o
            let hit = Lanes(repeating: 0).replacing(with: 1, where: d .< limit)
            // Each word's four 0/1 lanes into four bits, then the words into 16.
            let words = unsafeBitCast(hit, to: SIMD4<UInt64>.self), gather: UInt64 = 0x0001_0002_0004_0008
            return (words[0] &* gather) &>> 48 | ((words[1] &* gather) &>> 48) &<< 4
                | ((words[2] &* gather) &>> 48) &<< 8 | ((words[3] &* gather) &>> 48) &<< 12
        }
        return UInt32(truncatingIfNeeded: bits(0) | bits(32) &<< 16)
        #endif
    }

    /// x mod kC, for lanes below 2^15: 128 ≡ 1, so the high bits are folded onto the low seven
    /// twice, then kC subtracted where that is no less than kC.
    @inline(__always)
    private static func reduced(_ x: SIMD16<UInt16>) -> SIMD16<UInt16> {
        let low7 = SIMD16<UInt16>(repeating: 127)
        let once = (x & low7) &+ (x &>> 7)
        let twice = (once & low7) &+ (once &>> 7)
        let less = twice &- low7
        // min(twice, less), written so that it compiles to one instruction.
        return less.replacing(with: twice, where: twice .< less)
    }

    /// A block's hit mask with bit i for the block's entry i.
    @inline(__always)
    private static func entryOrder(_ mask: UInt32) -> UInt32 {
        #if arch(x86_64) && DAYLIGHT_VECTOR_LANES
        // The middle bytes swapped (see `hitMask`).
        (mask & 0xff00_00ff) | (mask & 0x0000_ff00) &<< 8 | (mask & 0x00ff_0000) &>> 8
        #else
        mask
        #endif
    }
}

/// A run of entries sharing `y / kBC`.
struct Bucket {
    let id: UInt64
    let range: Range<Int>

    /// The buckets of a table grouped by kBC group (ascending; any order inside a group), in order.
    static func split(_ y: UnsafeBufferPointer<UInt64>) -> [Bucket] {
        split(y, from: 0, to: y.count)
    }

    /// `split(_:)` on `threads` threads, each scanning a slice that starts at a group's start
    /// (one thread's scan of a k = 24 table took about 10 ms with the other core idle).
    static func split(_ y: UnsafeBufferPointer<UInt64>, threads: Int) -> [Bucket] {
        let slices = max(1, min(threads, y.count >> 16))
        guard slices > 1 else { return split(y) }
        var starts = (0...slices).map { $0 * y.count / slices }
        for s in 1..<slices {
            var i = max(starts[s], starts[s - 1])
            while i > 0, i < y.count, y[i] / Parameters.kBC == y[i - 1] / Parameters.kBC { i += 1 }
            starts[s] = i
        }
        let found = UnsafeMutableBufferPointer<[Bucket]>.allocate(capacity: slices)
        found.initialize(repeating: [])
        defer { found.deinitialize().deallocate() }
        Parallel.forEachSlice(count: slices, threads: slices) { range in
            for s in range { found[s] = split(y, from: starts[s], to: starts[s + 1]) }
        }
        return Array(found.joined())
    }

    /// The buckets of entries `from ..< to`, which start and end at group boundaries.
    private static func split(_ y: UnsafeBufferPointer<UInt64>, from: Int, to: Int) -> [Bucket] {
        var buckets = [Bucket]()
        var start = from
        while start < to {
            let id = y[start] / Parameters.kBC
            let end = (id + 1) * Parameters.kBC
            var i = start + 1
            while i < to, y[i] < end { i += 1 }
            buckets.append(Bucket(id: id, range: start..<i))
            start = i
        }
        return buckets
    }
}
