import PlotStore
import PoSpace

/// Phase 4's common step: parks of one table, encoded, grouped `parksPerValue` to a stored value.
enum ParkValues {
    /// Entries in one stored value.
    static let entriesPerValue = PlotLayout.entriesPerPark * PlotLayout.parksPerValue

    /// Stores `parks` (each encoded park with the length of its bit-packed part) as values
    /// `firstValue`, `firstValue + 1`, …, compressing on `threads` threads. Each park becomes two
    /// frames split at that length: the nearly random bit-packed part and the small, skewed
    /// deltas; compressed apart, zstd's entropy coder sees the skewed bytes alone, and the
    /// random part takes zstd's fast level (at any level it stays about as large).
    static func store(_ parks: [(bytes: [UInt8], split: Int)], firstValue: Int, table: Int,
                      threads: Int, to writer: PlotWriter) throws(PlotStoreError) {
        var values = [(key: PlotKey, frames: [Frame])]()
        var start = 0
        while start < parks.count {
            let end = min(parks.count, start + PlotLayout.parksPerValue)
            var frames = [Frame]()
            frames.reserveCapacity(2 * (end - start))
            for park in parks[start..<end] {
                frames.append(Frame(Array(park.bytes[..<park.split]), isNearlyRandom: true))
                frames.append(Frame(Array(park.bytes[park.split...])))
            }
            values.append((PlotKey(table: UInt8(table), index: UInt64(firstValue + values.count)), frames))
            start = end
        }
        try writer.put(values, threads: threads)
    }

    /// How many entries to gather before encoding and storing: whole values, enough for every thread.
    static func batchEntries(threads: Int) -> Int { entriesPerValue * max(2, 2 * threads) }
}
