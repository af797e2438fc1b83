import Foundation
import PlotStore
import PoSpace

/// What to plot.
public struct PlotRequest: Sendable {
    public var k: Int
    public var plotID: PlotID
    public var memo: [UInt8]
    /// Folder the finished plot goes to.
    public var outputDirectory: URL
    /// Threads to use; changes speed, never the bytes of the plot.
    public var threads: Int

    public init(k: Int, plotID: PlotID, memo: [UInt8], outputDirectory: URL, threads: Int) {
        self.k = k
        self.plotID = plotID
        self.memo = memo
        self.outputDirectory = outputDirectory
        self.threads = threads
    }
}

/// A finished plot.
public struct PlotResult: Sendable {
    public let url: URL
    public let bytes: Int
    public let tableSizes: [Int]
}

/// Why a plot could not be made.
public enum PlotterError: Error, CustomStringConvertible {
    case unsupportedK(Int, supported: ClosedRange<Int>)
    case store(PlotStoreError)

    public var description: String {
        switch self {
        case .unsupportedK(let k, let range):
            "k = \(k) is not supported by this plotter (it plots k \(range.lowerBound)–\(range.upperBound) in memory)"
        case .store(let e): e.description
        }
    }
}

/// Makes plot files: phases 1–3 in memory, then phase 4 writes the parks and the table-7
/// index into a new plot file that appears under its final name only when complete.
public enum Plotter {
    /// The sizes this plotter handles: the construction allows 18–50; in-memory plotting with
    /// 32-bit positions and 64-bit line points stops at 30.
    public static let supportedK = Parameters.minK...30

    /// `plot-k<k>-<plot id>.lmdb`.
    public static func fileName(k: Int, plotID: PlotID) -> String { "plot-k\(k)-\(plotID.hex).lmdb" }

    public static func create(_ request: PlotRequest, progress: @escaping (PlotEvent) -> Void = { _ in }) throws(PlotterError) -> PlotResult {
        guard supportedK.contains(request.k) else { throw .unsupportedK(request.k, supported: supportedK) }
        let writer: PlotWriter
        do {
            // Opened first, so a full or unwritable folder fails before minutes of work. zstd level 9:
            // 0.2 % smaller than level 3 (which left k = 20 plots 0.02 % above chiapos's) for
            // about 5 % of the plot time at k = 24 (compression runs on one thread in the writer).
            writer = try PlotWriter(directory: request.outputDirectory, fileName: fileName(k: request.k, plotID: request.plotID), compressionLevel: 9)
        } catch { throw .store(error) }
        let tables = PlotTablesBuilder.build(k: request.k, plotID: request.plotID, threads: request.threads, progress: progress)
        var clock = PhaseClock(progress: progress)
        clock.start(4, "writing")
        do throws(PlotStoreError) {
            let sizes = (1...6).map { tables.linePoints[$0].count } + [tables.f7.count]
            let header = PlotHeader(k: request.k, plotID: request.plotID, memo: request.memo, tableSizes: sizes)
            try writer.put(PlotFile.metaKey, header.encoded())
            for t in 1...6 {
                try writeLinePoints(tables.linePoints[t], table: t, stubBits: header.stubBits, threads: request.threads, to: writer)
                progress(.tableFinished(phase: 4, table: t, entries: sizes[t - 1], fraction: Double(t) / 7))
            }
            try writeTable7(tables, positionBits: header.positionBits, to: writer)
            progress(.tableFinished(phase: 4, table: 7, entries: sizes[6], fraction: 1))
            let url = try writer.finish()
            clock.finish()
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            return PlotResult(url: url, bytes: bytes, tableSizes: sizes)
        } catch {
            writer.abandon()
            throw .store(error)
        }
    }

    /// Encodes a table's parks on all threads, then stores them in order, `parksPerValue` to a value.
    private static func writeLinePoints(_ points: [UInt64], table: Int, stubBits: Int, threads: Int,
                                        to writer: PlotWriter) throws(PlotStoreError) {
        let parks = PlotFile.parkCount(points.count)
        var encoded = [[UInt8]](repeating: [], count: parks)
        points.withUnsafeBufferPointer { all in
            encoded.withUnsafeMutableBufferPointer { out in
                Parallel.forEachSlice(count: parks, threads: threads) { slice in
                    for p in slice {
                        let start = p * PlotLayout.entriesPerPark
                        let end = min(points.count, start + PlotLayout.entriesPerPark)
                        out[p] = LinePointPark.encode(UnsafeBufferPointer(rebasing: all[start..<end]), stubBits: stubBits)
                    }
                }
            }
        }
        try store(encoded, split: { p in
            LinePointPark.bitsSectionSize(entries: min(PlotLayout.entriesPerPark, points.count - p * PlotLayout.entriesPerPark),
                                          stubBits: stubBits)
        }, table: table, to: writer)
    }

    private static func writeTable7(_ tables: LinePointTables, positionBits: Int, to writer: PlotWriter) throws(PlotStoreError) {
        let n = tables.f7.count
        let parks = PlotFile.parkCount(n)
        var encoded = [[UInt8]]()
        var index = [UInt8]()
        tables.f7.withUnsafeBufferPointer { f7 in
            tables.positions.withUnsafeBufferPointer { positions in
                for p in 0..<parks {
                    let range = (p * PlotLayout.entriesPerPark)..<min(n, (p + 1) * PlotLayout.entriesPerPark)
                    encoded.append(Table7Park.encode(f7: UnsafeBufferPointer(rebasing: f7[range]),
                                                     positions: UnsafeBufferPointer(rebasing: positions[range]),
                                                     positionBits: positionBits))
                    for shift in stride(from: 56, through: 0, by: -8) { index.append(UInt8(truncatingIfNeeded: f7[range.lowerBound] >> UInt64(shift))) }
                }
            }
        }
        try store(encoded, split: { p in
            Table7Park.bitsSectionSize(entries: min(PlotLayout.entriesPerPark, n - p * PlotLayout.entriesPerPark),
                                       positionBits: positionBits)
        }, table: 7, to: writer)
        try writer.put(PlotFile.table7IndexKey, index)
    }

    /// Stores parks `parksPerValue` to a value, each park as two frames split at `split(park)`:
    /// the bit-packed part (nearly random) and the small deltas (highly skewed). Compressed
    /// apart, zstd's entropy coder sees the skewed bytes alone and packs them tightly.
    private static func store(_ parks: [[UInt8]], split: (Int) -> Int, table: Int, to writer: PlotWriter) throws(PlotStoreError) {
        var value = 0
        var start = 0
        while start < parks.count {
            let end = min(parks.count, start + PlotLayout.parksPerValue)
            var frames = [[UInt8]]()
            for p in start..<end {
                let cut = split(p)
                frames.append(Array(parks[p][..<cut]))
                frames.append(Array(parks[p][cut...]))
            }
            try writer.put(PlotKey(table: UInt8(table), index: UInt64(value)), frames: frames)
            value += 1
            start = end
        }
    }
}
