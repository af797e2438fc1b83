import NIOPosix
import Synchronization

/// Runs plot lookups, which are synchronous disk reads and decompression, on a fixed set of
/// threads, so they never block the event loops or Swift's cooperative pool (and with them
/// health checks and other requests), and so a burst of requests queues instead of spawning threads.
public final class LookupPool: Sendable {
    private let pool: NIOThreadPool
    private let threads: Int

    public init(threads: Int) {
        precondition(threads > 0, "a lookup pool needs at least one thread")
        self.threads = threads
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// What a batch of lookups gave by its deadline.
    public struct Outcome<Value: Sendable>: Sendable {
        /// The lookups that finished, by index into the batch, in index order.
        public var finished: [(index: Int, result: Result<Value, any Error>)] = []
        /// The indices that had not finished by the deadline, in order.
        public var late: [Int] = []
    }

    /// Runs `work(0..<count)` concurrently and returns what finished by `deadline`, naming the rest.
    ///
    /// Up to one job a thread takes indices in turn until none are left, so a slow lookup holds
    /// one thread while the others go on, and a batch of a hundred plots costs a handful of thread
    /// hand-offs and one wake-up of the caller, not a hundred. Indices not started by the deadline
    /// are skipped rather than run for nobody.
    public func run<Value: Sendable>(count: Int, deadline: ContinuousClock.Instant,
                                     _ work: @escaping @Sendable (Int) throws -> Value) async -> Outcome<Value> {
        guard count > 0 else { return Outcome() }
        let batch = Batch<Value>(count: count, deadline: deadline)
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            batch.expire()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            batch.wake(continuation)
            for _ in 0..<min(threads, count) {
                pool.submit { state in
                    guard case .active = state else { return }
                    while let index = batch.claim() {
                        batch.complete(index, Result { try work(index) })
                    }
                }
            }
        }
        timer.cancel()
        return batch.outcome()
    }

    /// Waits for running lookups and stops the threads.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}

/// One `run`'s shared state: which indices are taken, their results, and the waiting caller.
private final class Batch<Value: Sendable>: Sendable {
    private struct State {
        var results: [Result<Value, any Error>?]
        var next = 0
        var remaining: Int
        /// The deadline passed: hand out no more indices and wake the caller.
        var expired = false
        var waiter: CheckedContinuation<Void, Never>?
        var woken = false

        /// The waiting caller, once: whoever finishes the batch or the deadline wakes it, not both.
        mutating func takeWaiter() -> CheckedContinuation<Void, Never>? {
            guard !woken, let waiter else { return nil }
            woken = true
            self.waiter = nil
            return waiter
        }
    }

    private let state: Mutex<State>
    private let deadline: ContinuousClock.Instant

    init(count: Int, deadline: ContinuousClock.Instant) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count))
        self.deadline = deadline
    }

    /// The next index to run, or nil when all are taken or the deadline has passed.
    func claim() -> Int? {
        let now = ContinuousClock.now
        return state.withLock { s in
            guard !s.expired, now < deadline, s.next < s.results.count else { return nil }
            s.next += 1
            return s.next - 1
        }
    }

    func complete(_ index: Int, _ result: Result<Value, any Error>) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.results[index] = result
            s.remaining -= 1
            return s.remaining == 0 ? s.takeWaiter() : nil
        }
        waiter?.resume()
    }

    func expire() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.expired = true
            return s.takeWaiter()
        }
        waiter?.resume()
    }

    /// Registers the caller; wakes it at once when the batch is already done.
    func wake(_ continuation: CheckedContinuation<Void, Never>) {
        let now = state.withLock { s -> Bool in
            s.waiter = continuation
            return s.remaining == 0 || s.expired
        }
        if now, let waiter = state.withLock({ $0.takeWaiter() }) { waiter.resume() }
    }

    func outcome() -> LookupPool.Outcome<Value> {
        state.withLock { s in
            var outcome = LookupPool.Outcome<Value>()
            for (index, result) in s.results.enumerated() {
                if let result { outcome.finished.append((index, result)) } else { outcome.late.append(index) }
            }
            return outcome
        }
    }
}
