/// The matches of a run of buckets, as (left, right) positions, in a buffer that grows by
/// doubling: the matcher reserves room for a run's possible hits and appends each through a
/// `PairWriter`, without a branch or any of an array's uniqueness checks. Owns its memory;
/// `withPairs` reads the pairs in place.
struct MatchPairs: ~Copyable {
    private var left: UnsafeMutablePointer<UInt32>
    private var right: UnsafeMutablePointer<UInt32>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        left = .allocate(capacity: self.capacity)
        right = .allocate(capacity: self.capacity)
    }

    deinit {
        left.deallocate()
        right.deallocate()
    }

    /// Forgets the pairs, keeping the room, for the next run of buckets.
    mutating func removeAll() { count = 0 }

    /// Room for `extra` more pairs, appended through the returned writer until `finish`: its
    /// count stays in a register, where the pairs' own went through memory at every append
    /// (the matcher took about 10 % longer).
    @inline(__always)
    mutating func writer(reserving extra: Int) -> PairWriter {
        while count + extra > capacity { grow() }
        return PairWriter(left: left, right: right, count: count)
    }

    /// Takes the pairs a writer from `writer(reserving:)` appended.
    @inline(__always)
    mutating func finish(_ writer: PairWriter) { count = writer.count }

    private mutating func grow() {
        let bigger = capacity * 2
        let newLeft = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger)
        let newRight = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger)
        newLeft.moveInitialize(from: left, count: count)
        newRight.moveInitialize(from: right, count: count)
        left.deallocate()
        right.deallocate()
        left = newLeft
        right = newRight
        capacity = bigger
    }

    /// Calls `body` with the left and right positions and the number of pairs.
    func withPairs<R>(_ body: (UnsafePointer<UInt32>, UnsafePointer<UInt32>, Int) -> R) -> R {
        body(left, right, count)
    }
}
