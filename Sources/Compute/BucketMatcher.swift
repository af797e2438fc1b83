import PoSpace

/// Finds every match between adjacent kBC buckets of a table whose entries are grouped by
/// bucket (in any order within a bucket): the hot loop of forward propagation. One matcher per
/// thread; it owns the scratch layout of the right bucket.
///
/// A left entry in row b, column c (its slot is b·kC + c) matches a right entry in row b + m
/// (mod kB), m < 64, whose column is c + (2m + parity)² (mod kC). The right bucket is laid out by
/// row, rows 0..<64 repeated after the last, so that the 64 rows from any b on are one contiguous
/// window; a left entry tests its whole window (about half the bucket) sixteen entries at a time
/// with vector arithmetic alone, instead of 64 dependent table probes. Matches are rare (one per
/// left entry on average), so branching on them would mispredict about once per entry and throw
/// away the vector work queued behind the branch: the windows of a run of left entries are first
/// tested without a branch, keeping the hit lanes, and only then are the hits read out.
struct BucketMatcher {
    /// Sixteen right entries at a time: rows, columns and `2m + parity` fit in 16 bits.
    typealias Lanes = SIMD16<UInt16>
    /// kC and kB as literals (`init` checks them), so that splitting each position into (b, c)
    /// compiles to a multiply: `Parameters.kC` (a global of another module) or a value the loop's
    /// closure captures is not folded, and costs a division per entry.
    private static var kC: UInt64 { 127 }
    private static var kB: Int { 119 }
    /// Rows of the window layout: kB, then rows 0..<64 again.
    private static var windowRows: Int { 119 + 64 }
    /// Left entries tested before their hits are read out: their hit vectors stay in L1.
    private static var run: Int { 32 }
    /// A window is at most the whole right bucket; its vectors with hits are bits of a word.
    private static var widestBucket: Int { 64 * Lanes.scalarCount }

    /// The right bucket's window layout, in one buffer: the first window entry of each window
    /// row and one past the last (`windowRows + 1`), then per window entry (a run each):
    /// `2·row + parity` (the repeated rows numbered on from kB), the column, and the entry's
    /// offset in the right bucket.
    private var layoutStorage: [UInt16] = []

    init() {
        precondition(Self.kC == Parameters.kC && UInt64(Self.kB) == Parameters.kB)
    }

    /// Matches the buckets in `buckets` (each: bucket id and entry range, ascending, covering
    /// `y`), appending pairs (left, right) in order of left position, then m, then right position.
    mutating func match(y: UnsafePointer<UInt64>, buckets: ArraySlice<Bucket>, next: Bucket?, into pairs: inout MatchPairs) {
        var all = Array(buckets)
        if let next { all.append(next) }
        let widest = all.reduce(0) { max($0, $1.range.count) }
        precondition(widest <= Self.widestBucket, "a kBC bucket of \(widest) entries")
        // The window entries, and a vector's worth of padding for the last loads.
        let capacity = 2 * widest + Lanes.scalarCount
        if layoutStorage.count < Self.windowRows + 1 + 3 * capacity {
            layoutStorage = [UInt16](repeating: 0, count: Self.windowRows + 1 + 3 * capacity)
        }
        layoutStorage.withUnsafeMutableBufferPointer { storage in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: Self.run * 64) { hitBuffer in
                let start = storage.baseAddress!, row = start + Self.windowRows + 1
                let layout = WindowLayout(start: start, row: row, column: row + capacity, entry: row + 2 * capacity)
                for i in 0..<(all.count - 1) where all[i + 1].id == all[i].id + 1 {
                    let l = all[i], r = all[i + 1]
                    layout.fill(y: y, bucket: r, parity: UInt16(truncatingIfNeeded: l.id & 1))
                    Self.matchLeft(y: y, left: l, right: r, layout: layout, hits: hitBuffer.baseAddress!, into: &pairs)
                }
            }
        }
    }

    /// The right bucket in window order: rows ascending, each row's entries in position order.
    private struct WindowLayout {
        let start: UnsafeMutablePointer<UInt16>
        let row: UnsafeMutablePointer<UInt16>
        let column: UnsafeMutablePointer<UInt16>
        let entry: UnsafeMutablePointer<UInt16>

        @inline(__always)
        func fill(y: UnsafePointer<UInt64>, bucket r: Bucket, parity: UInt16) {
            let base = r.id * Parameters.kBC, first = r.range.lowerBound
            for b in 0...windowRows { start[b] = 0 }
            for p in r.range {
                let b = Int((y[p] - base) / kC)
                start[b + 1] &+= 1
                if b < 64 { start[b + kB + 1] &+= 1 }
            }
            for b in 0..<windowRows { start[b + 1] &+= start[b] }
            // `start` holds each row's first entry; filling advances it to the row's end...
            for p in r.range {
                let slot = y[p] - base
                let b = Int(slot / kC), c = UInt16(truncatingIfNeeded: slot % kC), e = UInt16(truncatingIfNeeded: p - first)
                var at = Int(start[b])
                start[b] &+= 1
                row[at] = UInt16(truncatingIfNeeded: 2 * b) | parity; column[at] = c; entry[at] = e
                guard b < 64 else { continue }
                at = Int(start[b + kB])
                start[b + kB] &+= 1
                row[at] = UInt16(truncatingIfNeeded: 2 * (b + kB)) | parity; column[at] = c; entry[at] = e
            }
            // ...so one row further on, it holds the starts again.
            for b in stride(from: windowRows, to: 0, by: -1) { start[b] = start[b - 1] }
            start[0] = 0
            // Padding after the last entry: a column no target equals.
            let end = Int(start[windowRows])
            for p in end..<(end + Lanes.scalarCount) { column[p] = .max }
        }
    }

    /// Tests every left entry against its window, a run of entries at a time.
    @inline(__always)
    private static func matchLeft(y: UnsafePointer<UInt64>, left l: Bucket, right r: Bucket, layout: WindowLayout,
                                  hits: UnsafeMutablePointer<Lanes>, into pairs: inout MatchPairs) {
        let lBase = l.id * Parameters.kBC, rFirst = r.range.lowerBound
        let low7 = Lanes(repeating: 127), kCLanes = Lanes(repeating: UInt16(kC))
        let rows = UnsafeRawPointer(layout.row), columns = UnsafeRawPointer(layout.column)
        withUnsafeTemporaryAllocation(of: (vectors: UInt64, first: Int, from: Int, to: Int).self, capacity: run) { windowBuffer in
            let windows = windowBuffer.baseAddress!
            var runStart = l.range.lowerBound
            while runStart < l.range.upperBound {
                let runEnd = min(runStart + run, l.range.upperBound)
                // Test: each window's hit lanes (1 or 0) are kept, with a bit per vector that has any.
                var stored = 0
                for p in runStart..<runEnd {
                    let slot = y[p] - lBase
                    let b = Int(slot / kC)
                    let twiceB = Lanes(repeating: UInt16(truncatingIfNeeded: 2 * b))
                    let c = Lanes(repeating: UInt16(truncatingIfNeeded: slot % kC))
                    let from = Int(layout.start[b]), to = Int(layout.start[b + 64])
                    var at = from, v = 0
                    var vectors: UInt64 = 0
                    while at < to {
                        // t = 2m + parity < 128; (t² + c) mod 127 by folding, as 128 ≡ 1 (mod 127).
                        let t = rows.loadUnaligned(fromByteOffset: 2 * at, as: Lanes.self) &- twiceB
                        let x = t &* t &+ c
                        let folded = (x & low7) &+ (x &>> 7)
                        let reduced = folded &- kCLanes
                        // min(folded, reduced), written so that it compiles to one instruction.
                        let target = reduced.replacing(with: folded, where: folded .< reduced)
                        let hit = Lanes(repeating: 0).replacing(with: 1, where: target .== columns.loadUnaligned(fromByteOffset: 2 * at, as: Lanes.self))
                        hits[stored + v] = hit
                        // `any(_:)` is a call the compiler does not inline: OR the four words.
                        let words = unsafeBitCast(hit, to: SIMD4<UInt64>.self)
                        vectors |= ((words[0] | words[1] | words[2] | words[3]) != 0 ? 1 : 0) &<< UInt64(v)
                        v += 1
                        at += Lanes.scalarCount
                    }
                    windows[p - runStart] = (vectors, stored, from, to)
                    stored += v
                }
                // Read out: vectors with hits in window order, lanes in order (m, then position).
                for p in runStart..<runEnd {
                    let window = windows[p - runStart]
                    var vectors = window.vectors
                    while vectors != 0 {
                        let v = vectors.trailingZeroBitCount
                        vectors &= vectors &- 1
                        let words = unsafeBitCast(hits[window.first + v], to: SIMD4<UInt64>.self)
                        // Gather each word's four 0/1 lanes into four bits, then the words into 16.
                        let gather: UInt64 = 0x0001_0002_0004_0008
                        var lanes = (words[0] &* gather) &>> 48 | ((words[1] &* gather) &>> 48) &<< 4
                            | ((words[2] &* gather) &>> 48) &<< 8 | ((words[3] &* gather) &>> 48) &<< 12
                        let at = window.from + v * Lanes.scalarCount
                        // The last vector may run past the window.
                        lanes &= (1 &<< UInt64(min(Lanes.scalarCount, window.to - at))) &- 1
                        while lanes != 0 {
                            let lane = lanes.trailingZeroBitCount
                            lanes &= lanes &- 1
                            pairs.append(UInt32(p), UInt32(rFirst + Int(layout.entry[at + lane])))
                        }
                    }
                }
                runStart = runEnd
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
