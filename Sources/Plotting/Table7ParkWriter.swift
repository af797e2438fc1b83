import PlotStore
import PoSpace

/// Phase 4 for table 7: takes its entries sorted by f7 then position, each as one word
/// `f7 << positionBits | position` (a position in final table 6), in any number of pieces,
/// stores them as parks, and at the end stores the index of each park's first f7 that the
/// prover searches.
struct Table7ParkWriter {
    let positionBits: Int
    let threads: Int
    let writer: PlotWriter
    private var pending: [UInt64] = []
    private var index: [UInt8] = []
    private var storedValues = 0
    private let batch: Int

    init(positionBits: Int, threads: Int, writer: PlotWriter) {
        precondition((1...63).contains(positionBits), "positions of \(positionBits) bits")
        self.positionBits = positionBits
        self.threads = threads
        self.writer = writer
        batch = ParkValues.batchEntries(threads: threads)
        pending.reserveCapacity(batch)
    }

    /// Appends the next entries, as `f7 << positionBits | position` words (continuing the
    /// order of the previous pieces). Whole batches are encoded where they lie; only the
    /// pieces of a batch are gathered first.
    mutating func append(entries: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        var rest = entries[...]
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

    /// Appends the next entries given apart: f7 values and their positions.
    mutating func append(f7: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let shift = UInt64(positionBits)
        let words = (0..<f7.count).map { f7[$0] << shift | positions[$0] }
        try words.withUnsafeBufferPointer { (words) throws(PlotStoreError) in try append(entries: words) }
    }

    /// Stores what is left, then the park index.
    mutating func finish() throws(PlotStoreError) {
        if !pending.isEmpty { try flush() }
        try writer.put(PlotFile.table7IndexKey, index)
    }

    private mutating func flush() throws(PlotStoreError) {
        let entries = pending
        try entries.withUnsafeBufferPointer { (entries) throws(PlotStoreError) in try store(entries) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Encodes and stores the parks of `entries` (whole parks but the table's last), and notes
    /// each park's first f7 for the index.
    private mutating func store(_ entries: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let parks = PlotFile.parkCount(entries.count)
        var encoded = [(bits: [UInt8], deltas: [UInt8])](repeating: ([], []), count: parks)
        let positionBits = self.positionBits, shift = UInt64(positionBits), mask = (UInt64(1) << shift) - 1
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEachSlice(count: parks, threads: threads) { slice in
                // A park's f7 values and positions apart, as the park's sections hold them.
                let f7 = UnsafeMutablePointer<UInt64>.allocate(capacity: PlotLayout.entriesPerPark)
                let positions = UnsafeMutablePointer<UInt64>.allocate(capacity: PlotLayout.entriesPerPark)
                defer {
                    f7.deallocate()
                    positions.deallocate()
                }
                for p in slice {
                    let first = p * PlotLayout.entriesPerPark, count = min(entries.count - first, PlotLayout.entriesPerPark)
                    for i in 0..<count {
                        f7[i] = entries[first + i] >> shift
                        positions[i] = entries[first + i] & mask
                    }
                    out[p] = Table7Park.encodeSections(f7: UnsafeBufferPointer(start: f7, count: count),
                                                       positions: UnsafeBufferPointer(start: positions, count: count),
                                                       positionBits: positionBits)
                }
            }
        }
        for p in 0..<parks {
            let first = entries[p * PlotLayout.entriesPerPark] >> shift
            for byte in stride(from: 56, through: 0, by: -8) { index.append(UInt8(truncatingIfNeeded: first >> UInt64(byte))) }
        }
        try ParkValues.store(encoded, firstValue: storedValues, table: 7, threads: threads, to: writer)
        storedValues += (parks + PlotLayout.parksPerValue - 1) / PlotLayout.parksPerValue
    }
}
