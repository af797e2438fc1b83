import PoSpace
import Synchronization
import Testing

/// `Parallel.forEachChunk` hands out every item exactly once: in chunks of the asked size on
/// several threads, or as one range when one thread is enough.
@Suite struct ParallelTests {
    @Test(arguments: [(0, 4, 2), (1, 4, 2), (10, 3, 1), (10, 3, 2), (1000, 7, 3), (1000, 1, 2), (5, 100, 4)])
    func chunksCoverEveryItemOnce(count: Int, chunk: Int, threads: Int) {
        let ranges = Mutex<[Range<Int>]>([])
        Parallel.forEachChunk(count: count, chunk: chunk, threads: threads) { range in
            ranges.withLock { $0.append(range) }
        }
        let handed = ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        // End to end, without gaps or overlaps.
        #expect(handed.flatMap { Array($0) } == Array(0..<count))
        let chunks = (count + chunk - 1) / chunk
        if count == 0 {
            #expect(handed.isEmpty)
        } else if min(threads, chunks) == 1 {
            #expect(handed == [0..<count])
        } else {
            #expect(handed == (0..<chunks).map { ($0 * chunk)..<min(count, ($0 + 1) * chunk) })
        }
    }
}
