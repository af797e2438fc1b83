import Dispatch

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

/// Carries a value across a concurrency boundary whose safety the caller guarantees.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
