@testable import Compute
import PoSpace
import Testing
import TestRandom

@Suite struct BucketSplitTests {
    /// A table grouped by kBC group splits into its groups: groups of one entry, of the usual
    /// size and far larger; gaps between group ids; entries in any order inside each group; a
    /// table of one group.
    @Test(arguments: [1, 2, 50, 240, 3000])
    func splitFindsEveryGroup(perGroup: Int) {
        let kBC = Parameters.kBC
        var random = SplitMix64(seed: 3 + UInt64(perGroup))
        var y = [UInt64]()
        var expected = [(id: UInt64, range: Range<Int>)]()
        for id in [UInt64(0), 1, 2, 5, 6, 40, 41, 1000] {
            let size = 1 + Int(random.next() % UInt64(2 * perGroup))
            let group = (0..<size).map { _ in id * kBC + random.next() % kBC }
            expected.append((id, y.count..<(y.count + size)))
            y += group
        }
        let found = y.withUnsafeBufferPointer { Bucket.split($0) }
        #expect(found.map(\.id) == expected.map(\.id))
        #expect(found.map(\.range) == expected.map(\.range))
        let one = y[..<expected[0].range.upperBound].withUnsafeBufferPointer { Bucket.split($0) }
        #expect(one.map(\.range) == [expected[0].range])
    }

    /// Split on several threads, the table gives the same groups as on one: slices start at
    /// group boundaries, also where one group spans a whole slice.
    @Test(arguments: [2, 3, 4])
    func splitOnThreadsFindsTheSameGroups(threads: Int) {
        let kBC = Parameters.kBC
        var random = SplitMix64(seed: 17 + UInt64(threads))
        var y = [UInt64]()
        for id in UInt64(0)..<1500 {
            // One group as large as a slice, in the middle of the table.
            let size = id == 700 ? 200_000 : Int(random.next() % 400)
            y += (0..<size).map { _ in id * kBC + random.next() % kBC }
        }
        let one = y.withUnsafeBufferPointer { Bucket.split($0) }
        let many = y.withUnsafeBufferPointer { Bucket.split($0, threads: threads) }
        #expect(many.count == one.count)
        #expect(many.map(\.id) == one.map(\.id))
        #expect(many.map(\.range) == one.map(\.range))
        #expect(one.count > 1400)
    }
}
