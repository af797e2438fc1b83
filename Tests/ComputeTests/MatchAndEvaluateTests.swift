import Compute
import PoSpace
import Synchronization
import Testing
import TestRandom

/// `matchAndEvaluate` hands over, part after part, exactly the matches of `matches` with the
/// results of `fx`, however many parts the table is split into: the CPU backend's fused pass
/// and the protocol's default (all matches, then `fx` in blocks) alike.
@Suite struct MatchAndEvaluateTests {
    /// The CPU backend's matching and column `fx`, without its own `matchAndEvaluate`: what a
    /// backend that implements only the basic operations gets.
    struct BasicOperations: ComputeBackend {
        let cpu = CPUBackend(threads: 2)
        var description: String { "the CPU's basic operations" }
        var needsSortedGroups: Bool { cpu.needsSortedGroups }
        func f1(k: Int, plotID: PlotID, start: Int, into ys: UnsafeMutableBufferPointer<UInt64>) {
            cpu.f1(k: k, plotID: plotID, start: start, into: ys)
        }
        func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                outY: UnsafeMutableBufferPointer<UInt64>, outMeta: UnsafeMutableBufferPointer<UInt32>) {
            cpu.fx(k: k, table: table, previous: previous, left: left, right: right, outY: outY, outMeta: outMeta)
        }
        func matches(y: UnsafeBufferPointer<UInt64>) -> (left: [UInt32], right: [UInt32]) { cpu.matches(y: y) }
    }

    /// One matched pair and its results, as consumed.
    struct Result: Equatable {
        let left: UInt32, right: UInt32, y: UInt64, meta: [UInt32]
    }

    /// A y-sorted table of `entries` random entries of size `k`, about as many in each kBC
    /// group as in a plot (so that about one match a left entry), with the metadata that
    /// table `table` reads.
    static func previousTable(k: Int, table: Int, entries: Int, seed: UInt64) -> (y: [UInt64], meta: [UInt32]) {
        var random = SplitMix64(seed: seed)
        let groups = UInt64(entries / 236)
        let y = (0..<entries).map { _ in random.next() % (groups * Parameters.kBC) }.sorted()
        let meta = (0..<(entries * Parameters.metadataUnits(ofTable: table - 1))).map { _ in UInt32(random.bits(k)) }
        return (y, meta)
    }

    @Test(arguments: [(3, 1), (3, 7), (5, 16), (6, 64), (7, 5)])
    func partsEndToEndAreTheMatchesAndTheirResults(table: Int, parts: Int) throws {
        let k = 20, units = Parameters.metadataUnits(ofTable: table)
        let (y, meta) = Self.previousTable(k: k, table: table, entries: 40_000, seed: UInt64(table * 100 + parts))
        try y.withUnsafeBufferPointer { y in
            try meta.withUnsafeBufferPointer { meta in
                let columns = TableColumns(y: y, metadata: meta, units: Parameters.metadataUnits(ofTable: table - 1))
                let cpu = CPUBackend(threads: 2)
                let (left, right) = cpu.matches(y: y)
                #expect(left.count > 30_000)
                var outY = [UInt64](repeating: 0, count: left.count), outMeta = [UInt32](repeating: 0, count: left.count * units)
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        outY.withUnsafeMutableBufferPointer { oy in
                            outMeta.withUnsafeMutableBufferPointer { om in
                                cpu.fx(k: k, table: table, previous: columns, left: l, right: r, outY: oy, outMeta: om)
                            }
                        }
                    }
                }
                let expected = left.indices.map {
                    Result(left: left[$0], right: right[$0], y: outY[$0], meta: Array(outMeta[($0 * units)..<(($0 + 1) * units)]))
                }
                for backend in [cpu, BasicOperations()] as [any ComputeBackend] {
                    let consumed = Mutex([[Result]](repeating: [], count: parts))
                    let count = try backend.matchAndEvaluate(k: k, table: table, previous: columns, parts: parts, threads: 2) { part, n, ys, metadata, l, r in
                        let results = (0..<n).map { j in
                            Result(left: l[j], right: r[j], y: ys[j], meta: Array(UnsafeBufferPointer(start: metadata + j * units, count: units)))
                        }
                        consumed.withLock { $0[part] += results }
                    }
                    let actual = consumed.withLock { $0.flatMap { $0 } }
                    #expect(count == expected.count, "\(backend)")
                    #expect(actual == expected, "\(backend)")
                }
            }
        }
    }
}
