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
        if workers == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            let chunk = (count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let start = w * chunk
                let end = min(count, start + chunk)
                if start < end { task.value(start..<end) }
            }
        }
    }
}

extension Parallel {
    /// Calls `body` on the chunks of `0..<count` (`chunk` items each, the last one shorter) on
    /// `threads` threads, each taking the next chunk as soon as it is done with one, and returns
    /// when all are done. Unlike `forEachSlice`, a thread slowed down (by page faults, or by
    /// another process on its core) does not leave the others idle at the end; chunks never
    /// overlap, so `body` may write to disjoint parts of shared buffers.
    public static func forEachChunk(count: Int, chunk: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let size = max(1, chunk)
        let chunks = (count + size - 1) / size
        let workers = max(1, min(threads, chunks))
        if workers == 1 {
            body(0..<count)
            return
        }
        let next = Atomic<Int>(0)
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    task.value((c * size)..<min(count, (c + 1) * size))
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
