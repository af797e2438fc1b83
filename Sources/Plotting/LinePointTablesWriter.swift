import Dispatch
import PlotStore

/// Stores final tables 1–6 as line point parks on a queue of its own, in the order they are
/// submitted, while phase 3 goes on to the next table: the plot file's work (compressing
/// parks, LMDB's copies, the kernel's writeback) then overlaps the sorting instead of
/// following it, and each table's line points are freed once stored.
final class LinePointTablesWriter: @unchecked Sendable {
    // `writer` and `failure` are touched only on `queue`, or after `finish()` has drained it.
    private let writer: PlotWriter
    private let stubBits: Int
    private let threads: Int
    private let queue = DispatchQueue(label: "daylight.line-point-parks")
    private var failure: PlotStoreError?

    init(writer: PlotWriter, stubBits: Int, threads: Int) {
        self.writer = writer
        self.stubBits = stubBits
        self.threads = threads
    }

    /// Queues final table `table`'s line points (ascending) to be stored after the tables
    /// submitted before it. After a failure, later tables are dropped.
    func submit(table: Int, linePoints: [UInt64]) {
        queue.async { [self] in
            guard failure == nil else { return }
            do throws(PlotStoreError) {
                var parks = LinePointParkWriter(table: table, stubBits: stubBits, threads: threads, writer: writer)
                try linePoints.withUnsafeBufferPointer { (points) throws(PlotStoreError) in try parks.append(points) }
                try parks.finish()
            } catch {
                failure = error
            }
        }
    }

    /// Waits until every submitted table is stored; throws the first failure.
    func finish() throws(PlotStoreError) {
        if let failure = queue.sync(execute: { failure }) { throw failure }
    }
}
