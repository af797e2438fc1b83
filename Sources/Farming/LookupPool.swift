import NIOPosix

/// Runs plot lookups, which are synchronous disk reads and decompression, on a fixed set of
/// threads, so they never block the event loops or Swift's cooperative pool (and with them
/// health checks and other requests), and so a burst of requests queues instead of spawning threads.
public final class LookupPool: Sendable {
    private let pool: NIOThreadPool

    public init(threads: Int) {
        precondition(threads > 0, "a lookup pool needs at least one thread")
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// What a batch of lookups gave by its deadline.
    public struct Outcome<Value: Sendable>: Sendable {
        /// The lookups that finished, by index into the batch.
        public var finished: [(index: Int, result: Result<Value, any Error>)] = []
        /// The indices that had not finished by the deadline, in order.
        public var late: [Int] = []
    }

    private enum Event<Value: Sendable>: Sendable {
        case finished(Int, Result<Value, any Error>)
        case deadline
    }

    /// Runs `work(0..<count)` concurrently and returns what finished by `deadline`, naming the rest.
    /// A lookup still queued at the deadline is skipped rather than run for nobody.
    public func run<Value: Sendable>(count: Int, deadline: ContinuousClock.Instant,
                                     _ work: @escaping @Sendable (Int) throws -> Value) async -> Outcome<Value> {
        var outcome = Outcome<Value>()
        guard count > 0 else { return outcome }
        let (events, continuation) = AsyncStream.makeStream(of: Event<Value>.self)
        for index in 0..<count {
            pool.submit { state in
                guard case .active = state, ContinuousClock.now < deadline else { return }
                continuation.yield(.finished(index, Result { try work(index) }))
            }
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            continuation.yield(.deadline)
        }
        var done = [Bool](repeating: false, count: count)
        for await event in events {
            guard case .finished(let index, let result) = event else { break }
            done[index] = true
            outcome.finished.append((index, result))
            if outcome.finished.count == count { break }
        }
        continuation.finish()
        timer.cancel()
        outcome.late = done.indices.filter { !done[$0] }
        return outcome
    }

    /// Waits for running lookups and stops the threads.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
