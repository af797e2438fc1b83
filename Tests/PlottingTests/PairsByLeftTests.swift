@testable import Plotting
import TestRandom
import Testing

@Suite struct PairsByLeftTests {
    /// Every kept entry, and no other, comes out once with its pointers, grouped by the top bits
    /// of the left pointer and in entry order inside a group; bits past the end of an all-set
    /// start are not entries.
    @Test(arguments: [true, false], [1, 2])
    func regroupsTheKeptEntriesByLeftPointer(allSet: Bool, threads: Int) {
        var random = SplitMix64(seed: 21)
        let n = 200_003, previous = 300_000
        let left = (0..<n).map { _ in UInt32(random.next(below: previous)) }
        let right = left.map { $0 &+ 7 }
        var kept = EntryBits(count: n, set: allSet)
        if !allSet { for i in 0..<n where random.next(below: 5) != 0 { kept.insert(i) } }
        let pairs = left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in PairsByLeft(kept, left: l, right: r, previousCount: previous, threads: threads) }
        }
        let expected = (0..<n).filter { kept[$0] }.sorted { (left[$0] >> 16, $0) < (left[$1] >> 16, $1) }
        #expect(pairs.count == kept.population)
        let records = pairs.records
        let same = (0..<expected.count).allSatisfy { j in
            let i = expected[j]
            return records[3 * j] == left[i] && records[3 * j + 1] == right[i] && records[3 * j + 2] == UInt32(i)
        }
        #expect(pairs.count == expected.count && same)
    }
}
