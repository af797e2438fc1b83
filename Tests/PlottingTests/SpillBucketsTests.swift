import Foundation
@testable import Plotting
import Testing

@Suite struct SpillBucketsTests {
    /// Records scattered on several threads, over several appends, come back from each bucket
    /// in the order they were appended; taking a bucket empties it.
    @Test(arguments: [1, 2, 3])
    func bucketsKeepAppendOrder(threads: Int) throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bucketCount = 5, words = 3
        let buckets = try SpillBuckets(count: bucketCount, words: words, threads: threads, in: dir)
        var expected = [[UInt64]](repeating: [], count: bucketCount)
        var serial: UInt64 = 0
        for size in [1, 70_000, 0, 33_333] {
            var records = [UInt64](), to = [Int32]()
            for i in 0..<size {
                let b = (i * i + 3 * i) % bucketCount
                let record = (0..<words).map { serial << 8 | UInt64($0) }
                serial += 1
                records += record
                to.append(Int32(b))
                expected[b] += record
            }
            try records.withUnsafeBufferPointer { r in try to.withUnsafeBufferPointer { try buckets.append(r, buckets: $0) } }
        }
        for b in 0..<bucketCount {
            #expect(buckets.records(in: b) == expected[b].count / words)
            #expect(try buckets.take(b) == expected[b])
            #expect(buckets.records(in: b) == 0)
        }
    }
}
