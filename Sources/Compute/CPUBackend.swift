import PoSpace

/// Forward propagation's hashing and matching in Swift on the CPU's cores: F1 from the
/// keystream generated block after block, Fx in eight hash lanes, matching in `BucketMatcher`.
public struct CPUBackend: ComputeBackend {
    public let threads: Int

    public init(threads: Int) { self.threads = max(1, threads) }

    public var description: String { "CPU, \(threads) thread\(threads == 1 ? "" : "s")" }

    /// `BucketMatcher` lays a group's entries out by row itself, in whatever order they come.
    public var needsSortedGroups: Bool { false }

    /// kBC groups matched before their pairs are hashed: about 15K entries at any k, whose y and
    /// metadata (up to 24 bytes an entry) stay in L2 until Fx reads them by pair.
    static let bucketsAtOnce = 64

    public func f1(k: Int, plotID: PlotID, start: Int, into ys: UnsafeMutableBufferPointer<UInt64>) {
        let f1 = F1(k: k, plotID: plotID)
        let chunk = 1 << 14
        Parallel.forEachChunk(count: (ys.count + chunk - 1) / chunk, chunk: 4, threads: threads) { chunks in
            for c in chunks {
                let from = c * chunk
                f1.evaluateRange(start: UInt64(start + from), count: min(chunk, ys.count - from), into: ys.baseAddress! + from)
            }
        }
    }

    public func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                   outY: UnsafeMutableBufferPointer<UInt64>, outMeta: UnsafeMutableBufferPointer<UInt32>) {
        let units = Parameters.metadataUnits(ofTable: table)
        // Blocks of 2^14 pairs: about a millisecond of work each, copied out of L1 into the columns.
        fx(k: k, table: table, previous: previous, left: left, right: right, blockSize: 1 << 14, threads: threads) { _, pairs, y, meta in
            (outY.baseAddress! + pairs.lowerBound).update(from: y, count: pairs.count)
            if units > 0 { (outMeta.baseAddress! + pairs.lowerBound * units).update(from: meta, count: pairs.count * units) }
        }
    }

    public func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                   blockSize: Int, threads _: Int,
                   consume: (_ block: Int, _ pairs: Range<Int>, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>) -> Void) {
        let n = left.count
        let evaluator = FxRuns(k: k, table: table, previous: previous)
        Parallel.forEachChunk(count: (n + blockSize - 1) / blockSize, chunk: 1, threads: self.threads) { blocks in
            evaluator.withRunBuffers { buffers in
                for block in blocks {
                    let first = block * blockSize
                    evaluator.evaluate(count: min(blockSize, n - first), left: left.baseAddress! + first,
                                       right: right.baseAddress! + first, buffers: buffers) { start, count, y, meta in
                        consume(block, (first + start)..<(first + start + count), y, meta)
                    }
                }
            }
        }
    }

    /// Matches a few kBC groups at a time (`bucketsAtOnce`) and hashes their pairs straight away:
    /// no column of all the matches is made (at k = 24, 128 MiB a table, and as much again for
    /// the parts it was copied from), and the entries just matched are still in cache when Fx
    /// reads their y and metadata.
    public func matchAndEvaluate(k: Int, table: Int, previous: TableColumns, parts: Int, threads _: Int,
                                 consume: (_ part: Int, _ count: Int, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>,
                                           _ left: UnsafePointer<UInt32>, _ right: UnsafePointer<UInt32>) -> Void) -> Int {
        let buckets = Bucket.split(previous.y, threads: threads)
        guard !buckets.isEmpty else { return 0 }
        let parts = max(1, parts)
        let evaluator = FxRuns(k: k, table: table, previous: previous)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        Parallel.forEachChunk(count: parts, chunk: 1, threads: threads) { slice in
            var matcher = BucketMatcher()
            var pairs = MatchPairs(capacity: Self.bucketsAtOnce * 512)
            evaluator.withRunBuffers { buffers in
                for part in slice {
                    let lo = part * buckets.count / parts, hi = (part + 1) * buckets.count / parts
                    for from in stride(from: lo, to: hi, by: Self.bucketsAtOnce) {
                        let to = min(hi, from + Self.bucketsAtOnce)
                        pairs.removeAll()
                        let next = to < buckets.count ? buckets[to] : nil
                        matcher.match(y: previous.y.baseAddress!, buckets: buckets[from..<to], next: next, into: &pairs)
                        counts[part] += pairs.count
                        // The groups' metadata read once in order, a word a line: matching read only
                        // their y, and Fx's loads by pair stalled on each line's first touch.
                        let first = buckets[from].range.lowerBound, end = (next ?? buckets[to - 1]).range.upperBound
                        Prefetch.read(previous.metadata.baseAddress! + first &* previous.units, count: (end &- first) &* previous.units)
                        pairs.withPairs { l, r, count in
                            evaluator.evaluate(count: count, left: l, right: r, buffers: buffers) { start, count, y, meta in
                                consume(part, count, y, meta, l + start, r + start)
                            }
                        }
                    }
                }
            }
        }
        return counts.reduce(0, +)
    }

    public func matches(y: UnsafeBufferPointer<UInt64>) -> (left: [UInt32], right: [UInt32]) {
        let buckets = Bucket.split(y, threads: threads)
        // Parts are taken one at a time: a thread slowed down leaves the others at most one part to wait for.
        let parts = max(1, min(threads * 16, buckets.count))
        let found = (0..<parts).map { _ in PartPairs() }
        Parallel.forEachChunk(count: parts, chunk: 1, threads: threads) { slice in
            var matcher = BucketMatcher()
            for part in slice {
                var pairs = MatchPairs(capacity: y.count / parts * 11 / 10)
                matcher.match(part: part, of: parts, buckets: buckets, y: y.baseAddress!, into: &pairs)
                found[part].pairs = consume pairs
            }
        }
        return Self.concatenate(found, threads: threads)
    }

    /// One part's matches, filled in by whichever thread takes the part.
    private final class PartPairs: @unchecked Sendable {
        var pairs: MatchPairs? = nil
        var count: Int { pairs?.count ?? 0 }
    }

    /// The parts end to end, each copied once, on the threads, straight from the matcher's buffers.
    private static func concatenate(_ parts: [PartPairs], threads: Int) -> (left: [UInt32], right: [UInt32]) {
        var offsets = [0]
        for part in parts { offsets.append(offsets[offsets.count - 1] + part.count) }
        let total = offsets[parts.count]
        var right = [UInt32]()
        let left = [UInt32](unsafeUninitializedCapacity: total) { l, lCount in
            right = [UInt32](unsafeUninitializedCapacity: total) { r, rCount in
                let (lBase, rBase) = (l.baseAddress, r.baseAddress)
                Parallel.forEachSlice(count: parts.count, threads: threads) { slice in
                    for p in slice {
                        parts[p].pairs?.withPairs { pl, pr, count in
                            (lBase! + offsets[p]).initialize(from: pl, count: count)
                            (rBase! + offsets[p]).initialize(from: pr, count: count)
                        }
                    }
                }
                rCount = total
            }
            lCount = total
        }
        return (left, right)
    }
}
