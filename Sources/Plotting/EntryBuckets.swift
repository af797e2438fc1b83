#if arch(x86_64) && DAYLIGHT_VECTOR_LANES
import _Builtin_intrinsics.intel
#endif
import PoSpace
import Synchronization

/// A table's entries scattered into buckets by the top bits of y, as records (`EntryRecords`),
/// on their way to `EntrySort.gather`. The entries come in blocks, contiguous runs that one
/// thread scatters at a time, and every bucket has a region of records per block: threads share
/// no cursor, and a bucket's regions read in block order give its entries in input order.
///
/// A region's room is exact where the entries were counted first (`init(counts:…)`), or
/// estimated where they come straight from Fx (`init(estimating:…)`): y is a hash, so each
/// region's share is known to a few standard deviations, and the pages of room left unused are
/// never touched. Entries past a region's room go to its overflow, read right after it.
///
/// Records reach their regions through a staging area of the block's (`stagedRecords` records
/// a bucket, in cache), whole cache lines at a time, with stores that bypass the cache on x86:
/// a record stored straight into its region read that line in from memory first, about one
/// line per record, for a write that then overwrote it whole. Regions therefore start on a line
/// and hold whole stagings; what is still staged when the scatter ends is written out by `flushStaging`,
/// which `EntrySort.gather` calls.
final class EntryBuckets {
    let units: Int
    let buckets: Int
    let blocks: Int
    /// Bucket of y: `(y >> shift) & bucketMask`.
    let shift: UInt64
    private let bucketMask: UInt64
    /// Region `d · blocks + b` (bucket d, block b) has room for records `regionStart[r] ..< regionStart[r + 1]`.
    private let regionStart: UnsafeMutableBufferPointer<Int>
    /// Block-major (a block's cursors together): the next free record of each of the block's regions, and its end.
    private let cursors: UnsafeMutableBufferPointer<Int>
    private let limits: UnsafeMutableBufferPointer<Int>
    /// Per region, the records past its room (rarely any), `EntryRecords.stride` words each.
    private let overflow: UnsafeMutableBufferPointer<[UInt64]>
    private let storage: UnsafeMutablePointer<UInt64>
    private let allocation: UnsafeMutablePointer<UInt64>
    private let stagingAllocation: UnsafeMutablePointer<UInt64>
    /// Block-major, `stagedRecords` records a bucket: records counted in a region but not yet written to it.
    private let staging: UnsafeMutablePointer<UInt64>

    /// Records staged a bucket before they go to the region together: 128-256 bytes, whole
    /// cache lines for every record size.
    static var stagedRecords: Int { 8 }

    /// Buckets for `n` entries of `yBits`-bit y: about 2^15 entries each, few enough that the
    /// scatter's write streams stay in the TLB and cache, small enough that a bucket stays in L2
    /// while `EntrySort` groups it (2^15 records of 32 bytes: 1 MiB). At k = 24 this beat
    /// 2^10-entry buckets by 5-10 %, and 2^14 was no faster.
    static func bucketBits(count n: Int, yBits: Int) -> Int {
        min(yBits, max(1, (64 - UInt64(n).leadingZeroBitCount) - 15))
    }

    /// Buckets whose regions hold exactly `counts[b · buckets + d]` records (block b, bucket d).
    convenience init(counts: UnsafeBufferPointer<Int>, bucketBits: Int, yBits: Int, units: Int) {
        let buckets = 1 << bucketBits, blocks = counts.count / buckets
        self.init(blocks: blocks, bucketBits: bucketBits, yBits: yBits, units: units) { r in
            counts[(r % blocks) * buckets + r / blocks]
        }
    }

    /// Buckets for about `n` entries with uniformly distributed y, in `blocks` blocks of about
    /// equal size: each region has room for its expected share and six standard deviations
    /// more (`spare` is for tests, which make regions overflow).
    convenience init(estimating n: Int, blocks: Int, yBits: Int, units: Int, spare: Int? = nil) {
        let bucketBits = Self.bucketBits(count: n, yBits: yBits)
        let mean = Double(n) / Double(max(1, blocks)) / Double(1 << bucketBits)
        let room = Int(mean) + (spare ?? Int(6 * mean.squareRoot()) + 16)
        self.init(blocks: max(1, blocks), bucketBits: bucketBits, yBits: yBits, units: units) { _ in room }
    }

    private init(blocks: Int, bucketBits: Int, yBits: Int, units: Int, room: (Int) -> Int) {
        self.units = units
        self.blocks = blocks
        buckets = 1 << bucketBits
        shift = UInt64(yBits - bucketBits)
        bucketMask = UInt64(buckets - 1)
        let regions = buckets * blocks
        regionStart = .allocate(capacity: regions + 1)
        regionStart[0] = 0
        // Whole stagings a region, so that each starts on a cache line and owns its lines.
        let staged = Self.stagedRecords
        for r in 0..<regions { regionStart[r + 1] = regionStart[r] + (room(r) + staged - 1) / staged * staged }
        cursors = .allocate(capacity: regions)
        limits = .allocate(capacity: regions)
        for d in 0..<buckets {
            for b in 0..<blocks {
                cursors[b * buckets + d] = regionStart[d * blocks + b]
                limits[b * buckets + d] = regionStart[d * blocks + b + 1]
            }
        }
        overflow = .allocate(capacity: regions)
        overflow.initialize(repeating: [])
        let stride = EntryRecords.stride(units: units)
        // Lines start on 64 bytes from `storage` on: malloc's blocks start on 16 (an aligned
        // allocation of this size took another path in glibc, and peak RSS grew by 0.5 GiB).
        @inline(__always) func lineStart(_ p: UnsafeMutablePointer<UInt64>) -> UnsafeMutablePointer<UInt64> {
            p + (8 - Int(bitPattern: p) / 8 % 8) % 8
        }
        allocation = .allocate(capacity: regionStart[regions] * stride + 8)
        storage = lineStart(allocation)
        stagingAllocation = .allocate(capacity: regions * staged * stride + 8)
        staging = lineStart(stagingAllocation)
    }

    deinit {
        regionStart.deallocate()
        cursors.deallocate()
        limits.deallocate()
        _ = overflow.deinitialize()
        overflow.deallocate()
        allocation.deallocate()
        stagingAllocation.deallocate()
    }

    /// Scatters `count` entries of block `block`, the next ones of that block in input order:
    /// y, `units` metadata values each from `meta` (nil for none), and back pointers. Blocks may
    /// be scattered concurrently, each on one thread at a time.
    func scatter(block: Int, count: Int, y: UnsafePointer<UInt64>, meta: UnsafePointer<UInt32>?,
                 left: UnsafePointer<UInt32>, right: UnsafePointer<UInt32>) {
        // Each metadata width in its own copy of the loop, with the record's size a constant.
        switch units {
        case 1: scatter(block: block, count: count, y: y, meta: meta, left: left, right: right, units: 1)
        case 2: scatter(block: block, count: count, y: y, meta: meta, left: left, right: right, units: 2)
        case 3: scatter(block: block, count: count, y: y, meta: meta, left: left, right: right, units: 3)
        case 4: scatter(block: block, count: count, y: y, meta: meta, left: left, right: right, units: 4)
        default: scatter(block: block, count: count, y: y, meta: meta, left: left, right: right, units: units)
        }
    }

    @inline(__always)
    private func scatter(block: Int, count: Int, y: UnsafePointer<UInt64>, meta: UnsafePointer<UInt32>?,
                         left: UnsafePointer<UInt32>, right: UnsafePointer<UInt32>, units: Int) {
        let cursor = cursors.baseAddress! + block &* buckets, limit = limits.baseAddress! + block &* buckets
        let stride = EntryRecords.stride(units: units), staged = Self.stagedRecords
        let stage = EntryRecords(base: staging + block &* buckets &* staged &* stride, units: units)
        for i in 0..<count {
            let d = Int(truncatingIfNeeded: (y[i] >> shift) & bucketMask)
            let at = cursor[d]
            if at < limit[d] {
                let slot = at & (staged &- 1)
                stage.store(d &* staged &+ slot, y: y[i], left: left[i], right: right[i], meta: meta, entry: i)
                cursor[d] = at &+ 1
                if slot == staged &- 1 {
                    Self.stream(from: stage.record(d &* staged), to: storage + (at &- slot) &* stride, words: staged &* stride)
                }
            } else {
                overflow(region: d &* blocks &+ block, y: y[i], left: left[i], right: right[i], meta: meta, entry: i)
            }
        }
        // Streamed lines are ordered with no other store: a locked instruction (this fence)
        // makes them visible before whatever this thread does next, such as signalling its end.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }

    /// Copies a full staging (a whole number of 64-byte lines, both ends on a line) to its region,
    /// around the cache where the CPU allows.
    @inline(__always)
    private static func stream(from source: UnsafeMutablePointer<UInt64>, to destination: UnsafeMutablePointer<UInt64>, words: Int) {
        #if arch(x86_64) && DAYLIGHT_VECTOR_LANES
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(destination).assumingMemoryBound(to: __m256i.self)
        var offset = 0
        while offset < words &* 8 {
            _mm256_stream_si256(to + offset / 32, from.load(fromByteOffset: offset, as: __m256i.self))
            offset &+= 32
        }
        #else
        destination.update(from: source, count: words)
        #endif
    }

    /// Writes every block's staged records to their regions: call it once all blocks are
    /// scattered, before reading the buckets.
    func flushStaging(threads: Int) {
        let stride = EntryRecords.stride(units: units), staged = Self.stagedRecords
        Parallel.forEachSlice(count: blocks, threads: threads) { range in
            for b in range {
                for d in 0..<buckets {
                    let at = cursors[b &* buckets &+ d], start = regionStart[d &* blocks &+ b]
                    let pending = (at &- start) & (staged &- 1)
                    guard pending > 0 else { continue }
                    (storage + (at &- pending) &* stride).update(from: staging + ((b &* buckets &+ d) &* staged) &* stride,
                                                                   count: pending &* stride)
                }
            }
        }
    }

    @inline(never)
    private func overflow(region: Int, y: UInt64, left: UInt32, right: UInt32, meta: UnsafePointer<UInt32>?, entry: Int) {
        let stride = EntryRecords.stride(units: units)
        let start = overflow[region].count
        overflow[region].append(contentsOf: repeatElement(0, count: stride))
        overflow[region].withUnsafeMutableBufferPointer {
            EntryRecords(base: $0.baseAddress! + start, units: units).store(0, y: y, left: left, right: right, meta: meta, entry: entry)
        }
    }

    /// Entries scattered into bucket `d`.
    func count(ofBucket d: Int) -> Int {
        var total = 0
        for b in 0..<blocks {
            total += cursors[b * buckets + d] - regionStart[d * blocks + b]
            total += overflow[d * blocks + b].count / EntryRecords.stride(units: units)
        }
        return total
    }

    /// Entries that did not fit their region's room.
    var overflowed: Int { overflow.reduce(0) { $0 + $1.count } / EntryRecords.stride(units: units) }

    /// Calls `body` with the records of bucket `d` in input order, a run of consecutive records
    /// (where they start, how many) at a time. Buckets may be read concurrently once the
    /// scatter is done.
    @inline(__always)
    func forEachRun(ofBucket d: Int, _ body: (EntryRecords, Int) -> Void) {
        let stride = EntryRecords.stride(units: units)
        for b in 0..<blocks {
            let r = d &* blocks &+ b, start = regionStart[r]
            let filled = cursors[b &* buckets &+ d] &- start
            if filled > 0 { body(EntryRecords(base: storage + start &* stride, units: units), filled) }
            if !overflow[r].isEmpty {
                overflow[r].withUnsafeBufferPointer {
                    body(EntryRecords(base: UnsafeMutablePointer(mutating: $0.baseAddress!), units: units), $0.count / stride)
                }
            }
        }
    }
}
