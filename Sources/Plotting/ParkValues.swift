import PlotStore
import PoSpace

/// Phase 4's common step: parks of one table, encoded, grouped `parksPerValue` to a stored value.
enum ParkValues {
    /// Entries in one stored value.
    static let entriesPerValue = PlotLayout.entriesPerPark * PlotLayout.parksPerValue

    /// Stores `parks` (each encoded park as its bit-packed section and its deltas) as values
    /// `firstValue`, `firstValue + 1`, …, compressing on `threads` threads. Each park becomes two
    /// frames, the nearly random bit-packed section and the small, skewed deltas; compressed apart, zstd's entropy coder sees the skewed bytes alone, and the
    /// random part takes zstd's fast level (at any level it stays about as large).
    static func store(_ parks: [(bits: [UInt8], deltas: [UInt8])], firstValue: Int, table: Int,
                      threads: Int, to writer: PlotWriter) throws(PlotStoreError) {
        var values = [(key: PlotKey, frames: [Frame])]()
        var start = 0
        while start < parks.count {
            let end = min(parks.count, start + PlotLayout.parksPerValue)
            var frames = [Frame]()
            frames.reserveCapacity(2 * (end - start))
            for park in parks[start..<end] {
                frames.append(Frame(park.bits, isNearlyRandom: true))
                frames.append(Frame(park.deltas))
            }
            values.append((PlotKey(table: UInt8(table), index: UInt64(firstValue + values.count)), frames))
            start = end
        }
        try writer.put(values, threads: threads)
    }

    /// How many entries to gather before encoding and storing: whole values, enough for every thread.
    static func batchEntries(threads: Int) -> Int { entriesPerValue * max(2, 2 * threads) }
}
