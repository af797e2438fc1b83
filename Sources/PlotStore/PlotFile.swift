import Foundation
import PoSpace

/// A finished plot opened for reading: its header, the table-7 index, and parks on demand.
/// Safe to share between threads (reads only; `PlotReader` is thread-safe).
public final class PlotFile: Sendable {
    public let header: PlotHeader
    public let plotID: PlotID
    public let reader: PlotReader
    /// First f7 of every table-7 park.
    public let table7Index: [UInt64]

    public static let metaKey = PlotKey("meta")
    public static let table7IndexKey = PlotKey("t7index")

    public var path: URL { reader.path }
    public var k: Int { header.k }

    public init(path: URL) throws(PlotStoreError) {
        let reader = try PlotReader(path: path)
        guard let bytes = try reader.get(Self.metaKey) else {
            throw PlotStoreError(.notAPlot(path: path.path, reason: "no plot header"))
        }
        guard let header = PlotHeader.decode(bytes), header.format == PlotHeader.formatName else {
            throw PlotStoreError(.notAPlot(path: path.path, reason: "unreadable plot header"))
        }
        guard header.formatVersion == PlotHeader.currentFormatVersion else {
            throw PlotStoreError(.unsupportedVersion(path: path.path, format: "table", found: header.formatVersion, supported: PlotHeader.currentFormatVersion))
        }
        guard Parameters.kRange.contains(header.k), header.tableSizes.count == 7,
              let plotID = PlotID(hex: header.plotID) else {
            throw PlotStoreError(.corrupt(path: path.path, key: Self.metaKey, reason: "header values out of range"))
        }
        guard let index = try reader.get(Self.table7IndexKey),
              index.count == 8 * Self.parkCount(header.tableSizes[6]) else {
            throw PlotStoreError(.corrupt(path: path.path, key: Self.table7IndexKey, reason: "table-7 index missing or of the wrong size"))
        }
        self.reader = reader
        self.header = header
        self.plotID = plotID
        table7Index = stride(from: 0, to: index.count, by: 8).map { i in
            index[i..<(i + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    public static func parkCount(_ entries: Int) -> Int { (entries + PlotLayout.entriesPerPark - 1) / PlotLayout.entriesPerPark }

    /// Entries in park `park` of a table with `size` entries.
    func parkEntries(_ park: Int, size: Int) -> Int { min(PlotLayout.entriesPerPark, size - park * PlotLayout.entriesPerPark) }

    /// A park's bytes: its two frames (packed bits, then small deltas) joined again.
    private func frame(table: Int, park: Int) throws(PlotStoreError) -> [UInt8] {
        let key = PlotKey(table: UInt8(table), index: UInt64(park / PlotLayout.parksPerValue))
        let first = 2 * (park % PlotLayout.parksPerValue)
        guard let bits = try reader.get(key, frame: first), let deltas = try reader.get(key, frame: first + 1) else {
            throw PlotStoreError(.corrupt(path: path.path, key: key, reason: "table \(table) park \(park) is missing"))
        }
        return bits + deltas
    }

    /// The line point at `position` of table `table` (1…6).
    public func linePoint(table: Int, position: UInt64) throws(PlotStoreError) -> UInt64 {
        let size = header.tableSizes[table - 1]
        guard position < UInt64(size) else {
            throw PlotStoreError(.corrupt(path: path.path, key: nil,
                                          reason: "position \(position) is past the \(size) entries of table \(table)"))
        }
        let park = Int(position) / PlotLayout.entriesPerPark
        let within = Int(position) % PlotLayout.entriesPerPark
        let bytes = try frame(table: table, park: park)
        guard let points = LinePointPark.decode(bytes, entries: parkEntries(park, size: size), count: within + 1,
                                                stubBits: header.stubBits) else {
            throw PlotStoreError(.corrupt(path: path.path, key: nil, reason: "table \(table) park \(park) is malformed"))
        }
        return points[within]
    }

    /// Park `park` of table 7: f7 values and table-6 positions.
    public func table7Park(_ park: Int) throws(PlotStoreError) -> Table7Park.Decoded {
        let entries = parkEntries(park, size: header.tableSizes[6])
        guard let decoded = Table7Park.decode(try frame(table: 7, park: park), entries: entries,
                                              positionBits: header.positionBits) else {
            throw PlotStoreError(.corrupt(path: path.path, key: nil, reason: "table 7 park \(park) is malformed"))
        }
        return decoded
    }
}
