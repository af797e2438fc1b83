import PoSpace

/// The heavy hashing and matching of forward propagation (phase 1), wherever it runs. The
/// phases call these three operations and never learn which backend answers; every backend
/// gives exactly the same values in the same order, so plots are byte-identical.
public protocol ComputeBackend: Sendable {
    /// What runs the work, for logs and progress ("CPU, 8 threads", a device name).
    var description: String { get }

    /// f1(x) of every x in `start ..< start + ys.count` into `ys`.
    func f1(k: Int, plotID: PlotID, start: Int, into ys: UnsafeMutableBufferPointer<UInt64>) throws(ComputeError)

    /// f_table of every matched pair (`left[i]`, `right[i]`, positions in the previous table
    /// with its y and `metadataUnits(ofTable: table - 1)` units an entry): the new y into
    /// `outY[i]` and the collated units (`metadataUnits(ofTable: table)` an entry) into `outMeta`.
    /// A unit is k ≤ 32 bits, one `UInt32`.
    func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
            outY: UnsafeMutableBufferPointer<UInt64>, outMeta: UnsafeMutableBufferPointer<UInt32>) throws(ComputeError)

    /// `fx` handed over in blocks instead of written to whole columns: the pairs are split into
    /// blocks of `blockSize` (the last one shorter), and `consume(block, pairs, y, metadata)` gets
    /// each block's results in order, in runs of consecutive pairs, all on one thread (y of pair
    /// `pairs.lowerBound + j` at `y[j]`, its units from `metadata + j · units`). Blocks may be
    /// consumed concurrently, on up to `threads` threads (the CPU backend uses its own).
    func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
            blockSize: Int, threads: Int,
            consume: (_ block: Int, _ pairs: Range<Int>, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>) -> Void)
        throws(ComputeError)

    /// Matching and `fx` in one pass, part by part: the table's kBC groups are split into `parts`
    /// runs of consecutive groups, and `consume(part, count, y, metadata, left, right)` gets each
    /// part's matches, in the order of `matches`, with their results, a run of `count`
    /// consecutive pairs at a time (the pair's positions at `left[j]` and `right[j]`, its y at
    /// `y[j]`, its units from `metadata + j · units`), all on one thread; parts may be consumed
    /// concurrently. Returns the number of matches. Parts end to end give the matches of
    /// `matches` and the results of `fx`, whatever `parts` is.
    func matchAndEvaluate(k: Int, table: Int, previous: TableColumns, parts: Int, threads: Int,
                          consume: (_ part: Int, _ count: Int, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>,
                                    _ left: UnsafePointer<UInt32>, _ right: UnsafePointer<UInt32>) -> Void)
        throws(ComputeError) -> Int

    /// Whether `matches` needs the entries of each kBC group sorted by y. If not, a table need
    /// only be grouped by kBC group (`y / kBC`, ascending), which is cheaper to sort into.
    var needsSortedGroups: Bool { get }

    /// Every match between adjacent kBC groups of a table grouped by kBC group (each group
    /// sorted by y if `needsSortedGroups`), ordered by left position, then m, then right position.
    func matches(y: UnsafeBufferPointer<UInt64>) throws(ComputeError) -> (left: [UInt32], right: [UInt32])
}

extension ComputeBackend {
    /// Columns a slice of blocks at a time (about 2^22 pairs), then each block of the slice from
    /// them: whole columns at once held 24 bytes a pair more than the CPU backend's runs (k = 24
    /// on POCL peaked at 2.8 GiB, over the in-memory plan's 2.7; a slice at a time, 2.4 GiB).
    public func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                   blockSize: Int, threads: Int,
                   consume: (_ block: Int, _ pairs: Range<Int>, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>) -> Void)
        throws(ComputeError) {
        try fx(k: k, table: table, previous: previous, left: left, right: right, blockSize: blockSize, threads: threads,
               slicePairs: 1 << 22, consume: consume)
    }

    /// All the matches first (`matches`), then `fx` in `parts` blocks of about equal size.
    public func matchAndEvaluate(k: Int, table: Int, previous: TableColumns, parts: Int, threads: Int,
                                 consume: (_ part: Int, _ count: Int, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>,
                                           _ left: UnsafePointer<UInt32>, _ right: UnsafePointer<UInt32>) -> Void)
        throws(ComputeError) -> Int {
        let (left, right) = try matches(y: previous.y)
        let n = left.count
        guard n > 0 else { return 0 }
        try left.withUnsafeBufferPointer { (l) throws(ComputeError) in
            try right.withUnsafeBufferPointer { (r) throws(ComputeError) in
                try fx(k: k, table: table, previous: previous, left: l, right: r, blockSize: (n + parts - 1) / max(1, parts),
                       threads: threads) { block, pairs, y, meta in
                    consume(block, pairs.count, y, meta, l.baseAddress! + pairs.lowerBound, r.baseAddress! + pairs.lowerBound)
                }
            }
        }
        return n
    }

    /// The block form from columns of about `slicePairs` pairs at a time (whole blocks, at least one).
    func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
            blockSize: Int, threads: Int, slicePairs: Int,
            consume: (_ block: Int, _ pairs: Range<Int>, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>) -> Void)
        throws(ComputeError) {
        let n = left.count, units = Parameters.metadataUnits(ofTable: table)
        let blocks = (n + blockSize - 1) / blockSize
        let sliceBlocks = max(1, slicePairs / blockSize)
        let slicePairs = min(n, sliceBlocks * blockSize)
        var ys = [UInt64](repeating: 0, count: slicePairs)
        var meta = [UInt32](repeating: 0, count: max(1, slicePairs * units))
        try ys.withUnsafeMutableBufferPointer { (ys) throws(ComputeError) in
            try meta.withUnsafeMutableBufferPointer { (meta) throws(ComputeError) in
                var first = 0
                while first < blocks {
                    let last = min(blocks, first + sliceBlocks)
                    let pairs = (first * blockSize)..<min(n, last * blockSize)
                    try fx(k: k, table: table, previous: previous,
                           left: UnsafeBufferPointer(rebasing: left[pairs]), right: UnsafeBufferPointer(rebasing: right[pairs]),
                           outY: UnsafeMutableBufferPointer(rebasing: ys[..<pairs.count]),
                           outMeta: UnsafeMutableBufferPointer(rebasing: meta[..<(pairs.count * units)]))
                    let sliceStart = pairs.lowerBound, firstBlock = first
                    Parallel.forEachChunk(count: last - first, chunk: 1, threads: threads) { range in
                        for b in range {
                            let block = firstBlock + b, start = block * blockSize
                            consume(block, start..<min(n, start + blockSize), ys.baseAddress! + (start - sliceStart),
                                    meta.baseAddress! + (start - sliceStart) * units)
                        }
                    }
                    first = last
                }
            }
        }
    }
}

/// A table's y values and metadata, as the backends read them: `units` metadata units an
/// entry, each of k ≤ 32 bits in a `UInt32` (the plotter makes no larger plots; half the
/// `UInt64` it would take otherwise, in the arrays that phase 1 sorts and gathers from).
public struct TableColumns {
    public let y: UnsafeBufferPointer<UInt64>
    public let metadata: UnsafeBufferPointer<UInt32>
    public let units: Int

    public init(y: UnsafeBufferPointer<UInt64>, metadata: UnsafeBufferPointer<UInt32>, units: Int) {
        self.y = y
        self.metadata = metadata
        self.units = units
    }

    /// Puts pairs `range` side by side for hashing: y of the left input into `y[j]`, the left
    /// then the right input's units into `meta[j · 2·units ...]`.
    @inlinable
    public func gather(left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>, range: Range<Int>,
                       y out: UnsafeMutablePointer<UInt64>, meta: UnsafeMutablePointer<UInt32>) {
        for (j, i) in range.enumerated() {
            let a = Int(left[i]), b = Int(right[i])
            out[j] = y[a]
            for u in 0..<units {
                meta[j * 2 * units + u] = metadata[a * units + u]
                meta[j * 2 * units + units + u] = metadata[b * units + u]
            }
        }
    }
}

/// Why a backend could not do its work.
public struct ComputeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
