@testable import Plotting
import PoSpace
import TestRandom
import Testing

@Suite struct EntryBucketsTests {
    /// Entries scattered block by block into estimated regions, as Fx hands them over, come out
    /// of the gather exactly as the counted sort leaves them, also when regions overflow (no
    /// spare room at all, or a little) and whatever the runs and threads.
    @Test(arguments: [nil, 0, 3] as [Int?], [EntrySort.Order.y, .group])
    func estimatedRegionsGatherAsTheCountedSort(spare: Int?, order: EntrySort.Order) {
        var random = SplitMix64(seed: 11)
        let n = 120_000, yBits = 26, units = 3, blockSize = 10_000
        // Ties (low bits cleared) show whether the order is stable.
        let y = (0..<n).map { _ in random.bits(yBits) & ~0x3F }
        let metadata = (0..<(n * units)).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        let left = (0..<n).map { UInt32($0) }, right = (0..<n).map { UInt32(2 * n - $0) }

        var expected = ForwardTable(table: 5, y: y, metadata: metadata, left: left, right: right)
        EntrySort.sort(&expected, by: order, yBits: yBits, units: units, threads: 1)

        for threads in [1, 2] {
            let buckets = EntryBuckets(estimating: n, blocks: n / blockSize, yBits: yBits, units: units, spare: spare)
            #expect(buckets.blocks == 12)
            y.withUnsafeBufferPointer { y in
                metadata.withUnsafeBufferPointer { meta in
                    left.withUnsafeBufferPointer { l in
                        right.withUnsafeBufferPointer { r in
                            Parallel.forEachChunk(count: buckets.blocks, chunk: 1, threads: threads) { blocks in
                                for block in blocks {
                                    // Runs of uneven length, as the last run of a block is.
                                    var start = block * blockSize
                                    while start < (block + 1) * blockSize {
                                        let count = min(777, (block + 1) * blockSize - start)
                                        buckets.scatter(block: block, count: count, y: y.baseAddress! + start,
                                                        meta: meta.baseAddress! + start * units,
                                                        left: l.baseAddress! + start, right: r.baseAddress! + start)
                                        start += count
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Six standard deviations of room hold every region; with none, about half of them overflow.
            #expect(spare == nil ? buckets.overflowed == 0 : buckets.overflowed > 100)
            #expect((0..<buckets.buckets).reduce(0) { $0 + buckets.count(ofBucket: $1) } == n)
            var table = ForwardTable(table: 5, count: n)
            table.withColumns { EntrySort.gather(buckets, by: order, yBits: yBits, into: $0, threads: threads) }
            // Compared first: a failed expectation on arrays this long would print them whole.
            let same = (y: table.y == expected.y, left: table.left == expected.left, right: table.right == expected.right,
                        metadata: table.metadata == expected.metadata)
            #expect(same.y && same.left && same.right && same.metadata, "\(same)")
        }
    }
}
