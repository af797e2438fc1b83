import Dispatch
import Synchronization

/// Splitting a range of independent work items across threads.
public enum Parallel {
    /// Calls `body` on `threads` contiguous slices of `0..<count`, concurrently, and returns
    /// when all are done. Slices never overlap, so `body` may write to disjoint parts of
    /// shared buffers; that is the contract that makes the unchecked capture below sound.
    public static func forEachSlice(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        forEachRange(count: count, size: (count + workers - 1) / workers, threads: workers, body)
    }

    /// How many fixed pieces to split `count` items into for `forEachPiece`: eight a thread, of
    /// at least 65,536 items. Passes that must split alike (a count, then the scatter it sizes)
    /// use the same pieces; a thread slowed down by another process then leaves the others at
    /// most a piece to wait for, not half the work.
    public static func pieces(count: Int, threads: Int) -> Int {
        max(1, min(8 * threads, count / 65_536 + 1))
    }

    /// Calls `body` on every piece number in `0..<pieces`, each taken by the next free of
    /// `threads` threads (`body` gets a range of one), and returns when all are done.
    public static func forEachPiece(_ pieces: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(count: pieces, chunk: 1, threads: threads, body)
    }

    /// Calls `body` on chunks of `0..<count` on `threads` threads, each taking the next chunk as
    /// soon as it is done with one, and returns when all are done. A chunk holds `chunk` items,
    /// or fewer where that would leave a thread fewer than four chunks to take, and the last
    /// one is shorter. Unlike `forEachSlice`, a thread slowed down (by page faults, or by
    /// another process on its core) does not leave the others idle at the end; chunks never
    /// overlap, so `body` may write to disjoint parts of shared buffers.
    public static func forEachChunk(count: Int, chunk: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        forEachRange(count: count, size: max(1, min(chunk, count / (4 * max(1, threads)))), threads: threads, body)
    }

    /// `body` on the ranges of `size` items that tile `0..<count`, taken in turn by `threads` threads.
    private static func forEachRange(count: Int, size: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let ranges = (count + size - 1) / size
        let workers = max(1, min(threads, ranges))
        if workers == 1 {
            body(0..<count)
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let r = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard r < ranges else { return }
                    task.value((r * size)..<min(count, (r + 1) * size))
                }
            }
        }
    }
}

/// Carries a value across a concurrency boundary whose safety the caller guarantees.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
