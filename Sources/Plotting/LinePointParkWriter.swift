import PlotStore
import PoSpace

/// Phase 4 for one line-point table: takes the table's line points in ascending order, in any
/// number of pieces, and stores them as parks. Holds at most one batch of entries, so a table
/// streaming in from disk never has to be in memory whole; the stored values are the same
/// however the points are split into pieces.
struct LinePointParkWriter {
    let table: Int
    let stubBits: Int
    let threads: Int
    let writer: PlotWriter
    private var pending: [UInt64] = []
    private var storedValues = 0
    private let batch: Int

    init(table: Int, stubBits: Int, threads: Int, writer: PlotWriter) {
        self.table = table
        self.stubBits = stubBits
        self.threads = threads
        self.writer = writer
        batch = ParkValues.batchEntries(threads: threads)
        pending.reserveCapacity(batch)
    }

    /// Appends the next line points (ascending, continuing the previous pieces). Whole batches
    /// are encoded where they lie; only the pieces of a batch are gathered first.
    mutating func append(_ points: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        var rest = points[...]
        while !rest.isEmpty {
            if pending.isEmpty, rest.count >= batch {
                try store(UnsafeBufferPointer(rebasing: rest.prefix(batch)))
                rest = rest.dropFirst(batch)
                continue
            }
            let take = min(rest.count, batch - pending.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pending.count == batch { try flush() }
        }
    }

    /// Stores what is left.
    mutating func finish() throws(PlotStoreError) {
        if !pending.isEmpty { try flush() }
    }

    private mutating func flush() throws(PlotStoreError) {
        let points = pending
        try points.withUnsafeBufferPointer { (points) throws(PlotStoreError) in try store(points) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Encodes and stores the parks of `points` (whole parks but the table's last).
    private mutating func store(_ points: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let parks = PlotFile.parkCount(points.count)
        var encoded = [(bits: [UInt8], deltas: [UInt8])](repeating: ([], []), count: parks)
        let stubBits = self.stubBits
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEachSlice(count: parks, threads: threads) { slice in
                for p in slice {
                    let range = (p * PlotLayout.entriesPerPark)..<min(points.count, (p + 1) * PlotLayout.entriesPerPark)
                    out[p] = LinePointPark.encodeSections(UnsafeBufferPointer(rebasing: points[range]), stubBits: stubBits)
                }
            }
        }
        try ParkValues.store(encoded, firstValue: storedValues, table: table, threads: threads, to: writer)
        storedValues += (parks + PlotLayout.parksPerValue - 1) / PlotLayout.parksPerValue
    }
}
