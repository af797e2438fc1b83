import PoSpace

/// A table's entries scattered into buckets by the top bits of y, as records (`EntryRecords`),
/// on their way to `EntrySort.gather`. The entries come in blocks, contiguous runs that one
/// thread scatters at a time, and every bucket has a region of records per block: threads share
/// no cursor, and a bucket's regions read in block order give its entries in input order.
///
/// A region's room is exact where the entries were counted first (`init(counts:…)`), or
/// estimated where they come straight from Fx (`init(estimating:…)`): y is a hash, so each
/// region's share is known to a few standard deviations, and the pages of room left unused are
/// never touched. Entries past a region's room go to its overflow, read right after it.
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
        for r in 0..<regions { regionStart[r + 1] = regionStart[r] + room(r) }
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
        storage = .allocate(capacity: max(1, regionStart[regions] * EntryRecords.stride(units: units)))
    }

    deinit {
        regionStart.deallocate()
        cursors.deallocate()
        limits.deallocate()
        _ = overflow.deinitialize()
        overflow.deallocate()
        storage.deallocate()
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
        let records = EntryRecords(base: storage, units: units)
        for i in 0..<count {
            let d = Int(truncatingIfNeeded: (y[i] >> shift) & bucketMask)
            let at = cursor[d]
            if at < limit[d] {
                records.store(at, y: y[i], left: left[i], right: right[i], meta: meta, entry: i)
                cursor[d] = at &+ 1
            } else {
                overflow(region: d &* blocks &+ block, y: y[i], left: left[i], right: right[i], meta: meta, entry: i)
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
