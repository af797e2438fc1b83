import PoSpace

/// Fx over a list of matched pairs in runs whose results stay in L1 until they are consumed:
/// writing every table's y and metadata out to memory and reading them back cost about 70 ms a
/// table at k = 24.
struct FxRuns {
    /// Pairs a run.
    static let run = 4096
    let fx: Fx
    let previous: TableColumns
    /// Metadata units of each result.
    let outUnits: Int

    init(k: Int, table: Int, previous: TableColumns) {
        fx = Fx(k: k, table: table)
        self.previous = previous
        outUnits = Parameters.metadataUnits(ofTable: table)
    }

    /// One thread's room for a run's results.
    struct Buffers {
        let y: UnsafeMutablePointer<UInt64>
        let meta: UnsafeMutablePointer<UInt32>
    }

    /// Calls `body` with room for a run's results, for one thread.
    func withRunBuffers<R>(_ body: (Buffers) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.run) { ys in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.run * max(1, outUnits)) { meta in
                body(Buffers(y: ys.baseAddress!, meta: meta.baseAddress!))
            }
        }
    }

    /// Fx of the `count` pairs (`left[j]`, `right[j]`), a run at a time: `consume(start, count,
    /// y, metadata)` gets the results of pairs `start ..< start + count`. Pairs name entries, and
    /// every table that pairs are matched in has metadata (at least one unit an entry).
    @inline(__always)
    func evaluate(count: Int, left: UnsafePointer<UInt32>, right: UnsafePointer<UInt32>, buffers: Buffers,
                  consume: (_ start: Int, _ count: Int, _ y: UnsafePointer<UInt64>, _ metadata: UnsafePointer<UInt32>) -> Void) {
        for start in stride(from: 0, to: count, by: Self.run) {
            let runCount = min(Self.run, count - start)
            let pairs = IndexedPairs(y: previous.y.baseAddress!, metadata: previous.metadata.baseAddress!, units: previous.units,
                                     left: left + start, right: right + start)
            fx.evaluateLanes(count: runCount, inputs: pairs, outY: buffers.y, outMeta: buffers.meta, outMetaStride: outUnits)
            consume(start, runCount, buffers.y, buffers.meta)
        }
    }
}
