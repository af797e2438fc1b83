/// How a plot fits a memory limit: entirely in memory, or with its tables split into
/// buckets (by the top bits of y, then of line points) that live in temporary files and are
/// loaded one at a time.
public enum SpillPlan: Equatable, Sendable {
    case inMemory
    /// `2^bucketBits` buckets per table.
    case spill(bucketBits: Int)

    /// What every plot holds whatever its size: the plot writer's pending transaction
    /// (16 MiB; this allowed for 64 MiB) and the process's own code and libraries (about
    /// 75 MiB of resident mapped files).
    static let processBytes = 144 << 20

    /// Peak memory of an in-memory plot: measured at most 2.45 GiB at k = 24 over five plot ids
    /// (148 bytes an entry beside `processBytes`, freed pages kept for reuse; the peak depends
    /// on the id: other ids peaked at 2.0 GiB), plus a tenth for margin.
    public static func inMemoryBytes(k: Int) -> Int { (1 << k) * 164 + processBytes }

    /// What a spilling plot holds whatever the bucket count: phase 2's bitmaps (one bit an
    /// entry of each table), the pieces streamed through temporary files (32 MiB) and
    /// `processBytes`. Phase 3's position maps are read a window at a time.
    static func fixedBytes(k: Int) -> Int { (1 << k) + (32 << 20) + processBytes }

    /// A bucket in memory while it is sorted, matched and hashed, and its new entries scattered,
    /// per entry of the bucket (six copies of up to 48-byte entries, with room for growth).
    static let bytesPerBucketEntry = 400

    /// More buckets mean more open files and smaller writes; below 2·kBC values of y per bucket
    /// the carried-over kBC groups would dominate.
    static func maxBucketBits(k: Int) -> Int { min(8, k - 9) }

    /// Phase 3's memory per entry of a line-point bucket, beside the position map's window:
    /// the bucket's records, its sort's keys, order and scratch, and the rank records made from it.
    static let bytesPerLinePointBucketEntry = 96

    /// Windows phase 3 splits each position map (8 bytes an entry) into: the fewest (a power of
    /// two, at most the bucket count) whose window takes at most half of what the limit leaves
    /// beside the fixed part and one line-point bucket; the other half is headroom, for the
    /// window's reach past its end and the plot writer's pages (measured at k = 24 under 256 MiB:
    /// a window of a quarter of the map peaked 8 MB short of the limit, an eighth 35 MB short).
    /// One window needs no routing by window and no rank files.
    static func mapRanges(k: Int, bucketBits: Int, memoryLimit: Int) -> Int {
        let available = memoryLimit - fixedBytes(k: k) - bytesPerLinePointBucketEntry * ((1 << k) >> bucketBits)
        var ranges = 1
        while ranges < 1 << bucketBits, 2 * 8 * ((1 << k) / ranges) > available { ranges *= 2 }
        return ranges
    }

    /// Temporary disk a spilling plot uses at its peak: measured 70.5 bytes an entry at k = 22
    /// (two forward tables' buckets while one is made from the other, plus the pointer files).
    public static func temporaryBytes(k: Int) -> Int { 80 << k }

    /// The least memory a plot of size k can be made in.
    public static func minimumBytes(k: Int) -> Int {
        fixedBytes(k: k) + 2 * bytesPerBucketEntry * ((1 << k) >> maxBucketBits(k: k))
    }

    /// The plan for plotting size k within `memoryLimit` bytes, or nil if it cannot be done.
    public init?(k: Int, memoryLimit: Int) {
        // In memory, positions are 32 bits: tables of k = 32 pass 2^32 entries.
        if k <= 31, SpillPlan.inMemoryBytes(k: k) <= memoryLimit {
            self = .inMemory
            return
        }
        let budget = (memoryLimit - SpillPlan.fixedBytes(k: k)) / 2
        for bits in 1...SpillPlan.maxBucketBits(k: k) where SpillPlan.bytesPerBucketEntry * ((1 << k) >> bits) <= budget {
            self = .spill(bucketBits: bits)
            return
        }
        return nil
    }
}
