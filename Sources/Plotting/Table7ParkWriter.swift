import PlotStore
import PoSpace

/// Phase 4 for table 7: takes (f7, position in final table 6) pairs sorted by f7 then position,
/// in any number of pieces, stores them as parks, and at the end stores the index of each
/// park's first f7 that the prover searches.
struct Table7ParkWriter {
    let positionBits: Int
    let threads: Int
    let writer: PlotWriter
    private var f7: [UInt64] = []
    private var positions: [UInt64] = []
    private var index: [UInt8] = []
    private var storedValues = 0
    private let batch: Int

    init(positionBits: Int, threads: Int, writer: PlotWriter) {
        self.positionBits = positionBits
        self.threads = threads
        self.writer = writer
        batch = ParkValues.batchEntries(threads: threads)
        f7.reserveCapacity(batch)
        positions.reserveCapacity(batch)
    }

    /// Appends the next entries (continuing the order of the previous pieces). Whole batches
    /// are encoded where they lie; only the pieces of a batch are gathered first.
    mutating func append(f7 values: UnsafeBufferPointer<UInt64>, positions places: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        var start = 0
        while start < values.count {
            if f7.isEmpty, values.count - start >= batch {
                let range = start..<(start + batch)
                try store(f7: UnsafeBufferPointer(rebasing: values[range]), positions: UnsafeBufferPointer(rebasing: places[range]))
                start += batch
                continue
            }
            let take = min(values.count - start, batch - f7.count)
            f7.append(contentsOf: values[start..<(start + take)])
            positions.append(contentsOf: places[start..<(start + take)])
            start += take
            if f7.count == batch { try flush() }
        }
    }

    /// Stores what is left, then the park index.
    mutating func finish() throws(PlotStoreError) {
        if !f7.isEmpty { try flush() }
        try writer.put(PlotFile.table7IndexKey, index)
    }

    private mutating func flush() throws(PlotStoreError) {
        let pendingF7 = f7, pendingPositions = positions
        try pendingF7.withUnsafeBufferPointer { (f7) throws(PlotStoreError) in
            try pendingPositions.withUnsafeBufferPointer { (positions) throws(PlotStoreError) in try store(f7: f7, positions: positions) }
        }
        f7.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }

    /// Encodes and stores the parks of `f7`/`positions` (whole parks but the table's last), and
    /// notes each park's first f7 for the index.
    private mutating func store(f7: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let parks = PlotFile.parkCount(f7.count)
        var encoded = [(bits: [UInt8], deltas: [UInt8])](repeating: ([], []), count: parks)
        let positionBits = self.positionBits
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEachSlice(count: parks, threads: threads) { slice in
                for p in slice {
                    let range = (p * PlotLayout.entriesPerPark)..<min(f7.count, (p + 1) * PlotLayout.entriesPerPark)
                    out[p] = Table7Park.encodeSections(f7: UnsafeBufferPointer(rebasing: f7[range]),
                                                       positions: UnsafeBufferPointer(rebasing: positions[range]),
                                                       positionBits: positionBits)
                }
            }
        }
        for p in 0..<parks {
            let first = f7[p * PlotLayout.entriesPerPark]
            for shift in stride(from: 56, through: 0, by: -8) { index.append(UInt8(truncatingIfNeeded: first >> UInt64(shift))) }
        }
        try ParkValues.store(encoded, firstValue: storedValues, table: 7, threads: threads, to: writer)
        storedValues += (parks + PlotLayout.parksPerValue - 1) / PlotLayout.parksPerValue
    }
}
