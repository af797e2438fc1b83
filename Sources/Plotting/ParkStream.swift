import PlotStore
import PoSpace

/// How one final table's parks are encoded from its words (line points, or table 7's
/// `f7 << positionBits | position` entries), and what the table stores besides its parks.
protocol ParkEncoding: Sendable {
    /// The park of `words` (at most `PlotLayout.entriesPerPark`) as its two sections.
    func sections(of words: UnsafeBufferPointer<UInt64>) -> (bits: [UInt8], deltas: [UInt8])
    /// Stores what the table needs besides its parks, once they are all stored, given each
    /// park's first word in order.
    func finish(parkFirstWords: [UInt64], to writer: PlotWriter) throws(PlotStoreError)
}

/// Phase 4 for one final table: takes its words in the table's order, in any number of
/// pieces, and stores them as parks. Holds at most one batch of whole stored values, so a table
/// streaming in from disk never has to be in memory whole; the stored values are the same
/// however the words are split into pieces. Each batch's parks are encoded on all threads.
struct ParkStream<Encoding: ParkEncoding> {
    let table: Int
    let encoding: Encoding
    let threads: Int
    let writer: PlotWriter
    private var pending: [UInt64] = []
    private var parkFirstWords: [UInt64] = []
    private var storedValues = 0
    private let batch: Int

    init(table: Int, encoding: Encoding, threads: Int, writer: PlotWriter) {
        self.table = table
        self.encoding = encoding
        self.threads = threads
        self.writer = writer
        batch = ParkValues.batchEntries(threads: threads)
        pending.reserveCapacity(batch)
    }

    /// Appends the next words (continuing the previous pieces). Whole batches are encoded where
    /// they lie; only the pieces of a batch are gathered first.
    mutating func append(_ words: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        var rest = words[...]
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

    /// Stores what is left, then what the table needs besides its parks.
    mutating func finish() throws(PlotStoreError) {
        if !pending.isEmpty { try flush() }
        try encoding.finish(parkFirstWords: parkFirstWords, to: writer)
    }

    private mutating func flush() throws(PlotStoreError) {
        let words = pending
        try words.withUnsafeBufferPointer { (words) throws(PlotStoreError) in try store(words) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Encodes and stores the parks of `words` (whole parks but the table's last).
    private mutating func store(_ words: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let parks = PlotFile.parkCount(words.count)
        var encoded = [(bits: [UInt8], deltas: [UInt8])](repeating: ([], []), count: parks)
        let encoding = self.encoding
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEachChunk(count: parks, chunk: 8, threads: threads) { slice in
                for p in slice {
                    let range = (p * PlotLayout.entriesPerPark)..<min(words.count, (p + 1) * PlotLayout.entriesPerPark)
                    out[p] = encoding.sections(of: UnsafeBufferPointer(rebasing: words[range]))
                }
            }
        }
        for p in 0..<parks { parkFirstWords.append(words[p * PlotLayout.entriesPerPark]) }
        try ParkValues.store(encoded, firstValue: storedValues, table: table, threads: threads, to: writer)
        storedValues += (parks + PlotLayout.parksPerValue - 1) / PlotLayout.parksPerValue
    }
}
