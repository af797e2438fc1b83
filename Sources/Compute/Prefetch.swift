import Synchronization

/// Brings a stretch of memory into cache ahead of reads at random places in it: one word a
/// 64-byte line, in ascending order, which the hardware prefetcher follows at full bandwidth,
/// where loads at random places each waited for their line (Swift has no prefetch instruction).
public enum Prefetch {
    /// What the reads added up to: their only use, kept so that they are not optimized away.
    private static let sink = Atomic<UInt32>(0)

    /// Reads one word of every line of the `count` words from `start` on.
    @inline(never)
    public static func read(_ start: UnsafePointer<UInt32>, count: Int) {
        var sum: UInt32 = 0, i = 0
        while i < count {
            sum &+= start[i]
            i &+= 16
        }
        sink.wrappingAdd(sum, ordering: .relaxed)
    }
}
