import PlotStore
import PoSpace

/// Phase 4 for table 7: its entries sorted by f7 then position, each as one word
/// `f7 << positionBits | position` (a position in final table 6), in any number of pieces,
/// stored as parks (`ParkStream`), and at the end the index of each park's first f7 that the
/// prover searches.
typealias Table7ParkWriter = ParkStream<Table7Parks>

/// Table 7's parks (`Table7Park`) from its packed entries, and its park index.
struct Table7Parks: ParkEncoding {
    let positionBits: Int

    /// Splits the park's f7 values and positions apart, as its sections hold them.
    func sections(of words: UnsafeBufferPointer<UInt64>) -> (bits: [UInt8], deltas: [UInt8]) {
        let shift = UInt64(positionBits), mask = (UInt64(1) << shift) - 1
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * words.count) { apart in
            let f7 = apart.baseAddress!, positions = f7 + words.count
            for i in words.indices {
                f7[i] = words[i] >> shift
                positions[i] = words[i] & mask
            }
            return Table7Park.encodeSections(f7: UnsafeBufferPointer(start: f7, count: words.count),
                                             positions: UnsafeBufferPointer(start: positions, count: words.count),
                                             positionBits: positionBits)
        }
    }

    /// The index: each park's first f7, 8 bytes big-endian.
    func finish(parkFirstWords: [UInt64], to writer: PlotWriter) throws(PlotStoreError) {
        var index = [UInt8]()
        index.reserveCapacity(8 * parkFirstWords.count)
        for word in parkFirstWords {
            let first = word >> UInt64(positionBits)
            for byte in stride(from: 56, through: 0, by: -8) { index.append(UInt8(truncatingIfNeeded: first >> UInt64(byte))) }
        }
        try writer.put(PlotFile.table7IndexKey, index)
    }
}

extension ParkStream where Encoding == Table7Parks {
    init(positionBits: Int, threads: Int, writer: PlotWriter) {
        precondition((1...63).contains(positionBits), "positions of \(positionBits) bits")
        self.init(table: 7, encoding: Table7Parks(positionBits: positionBits), threads: threads, writer: writer)
    }

    /// Appends the next entries given apart: f7 values and their positions.
    mutating func append(f7: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<UInt64>) throws(PlotStoreError) {
        let shift = UInt64(encoding.positionBits)
        let words = (0..<f7.count).map { f7[$0] << shift | positions[$0] }
        try words.withUnsafeBufferPointer { (words) throws(PlotStoreError) in try append(words) }
    }
}
