import PoSpace
import Synchronization
import Testing

/// `Parallel` hands out every item exactly once, in the ranges it promises.
@Suite struct ParallelTests {
    /// The ranges `body` was called with, in order.
    static func ranges(_ run: ((Range<Int>) -> Void) -> Void) -> [Range<Int>] {
        let seen = Mutex<[Range<Int>]>([])
        run { range in seen.withLock { $0.append(range) } }
        return seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Chunks of the asked size, or smaller where each thread would get fewer than four; one
    /// range when one thread is enough.
    @Test(arguments: [(0, 4, 2), (1, 4, 2), (10, 3, 1), (10, 3, 2), (1000, 7, 3), (1000, 1, 2), (100, 30, 2), (5, 100, 4)])
    func chunksCoverEveryItemOnce(count: Int, chunk: Int, threads: Int) {
        let handed = Self.ranges { body in Parallel.forEachChunk(count: count, chunk: chunk, threads: threads, body) }
        #expect(handed.flatMap { Array($0) } == Array(0..<count))
        let size = max(1, min(chunk, count / (4 * threads)))
        let chunks = (count + size - 1) / size
        if count == 0 {
            #expect(handed.isEmpty)
        } else if min(threads, chunks) == 1 {
            #expect(handed == [0..<count])
        } else {
            #expect(handed == (0..<chunks).map { ($0 * size)..<min(count, ($0 + 1) * size) })
        }
    }

    /// As many contiguous slices as threads (or items), of equal size but the last.
    @Test(arguments: [(0, 2), (1, 2), (10, 1), (10, 3), (7, 8)])
    func slicesSplitEvenly(count: Int, threads: Int) {
        let handed = Self.ranges { body in Parallel.forEachSlice(count: count, threads: threads, body) }
        #expect(handed.flatMap { Array($0) } == Array(0..<count))
        let workers = max(1, min(threads, count))
        let size = count == 0 ? 0 : (count + workers - 1) / workers
        #expect(handed.count == (count == 0 ? 0 : (count + size - 1) / size))
        #expect(handed.dropLast().allSatisfy { $0.count == size })
    }
}
