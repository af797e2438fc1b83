import Compute
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
    /// Memory the plot may use, in bytes. Above `SpillPlan.inMemoryBytes(k:)`, the tables are
    /// built in memory; below it they spill to `temporaryDirectory`. Never changes the bytes of the plot.
    public var memoryLimit: Int
    /// Folder for the spilled tables' temporary files (unlinked at once; nothing stays behind).
    public var temporaryDirectory: URL
    /// Where F1, Fx and matching run (default: the CPU with `threads` threads). Never changes
    /// the bytes of the plot.
    public var backend: any ComputeBackend

    public init(k: Int, plotID: PlotID, memo: [UInt8], outputDirectory: URL, threads: Int,
                memoryLimit: Int = .max, temporaryDirectory: URL? = nil, backend: (any ComputeBackend)? = nil) {
        self.k = k
        self.plotID = plotID
        self.memo = memo
        self.outputDirectory = outputDirectory
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.temporaryDirectory = temporaryDirectory ?? outputDirectory
        self.backend = backend ?? CPUBackend(threads: threads)
    }
}

/// A finished plot.
public struct PlotResult: Sendable {
    public let url: URL
    public let bytes: Int
    public let tableSizes: [Int]
    /// How the memory limit was met.
    public let plan: SpillPlan
}

/// Why a plot could not be made.
public enum PlotterError: Error, CustomStringConvertible {
    case unsupportedK(Int, supported: ClosedRange<Int>)
    case memoryTooSmall(k: Int, limit: Int, needed: Int)
    case temporaryStorage(path: String, operation: String, code: Int32)
    case notEnoughSpace(path: String, needed: Int, available: Int)
    case compute(ComputeError)
    case store(PlotStoreError)

    public var description: String {
        switch self {
        case .unsupportedK(let k, let range):
            "k = \(k) is not supported by this plotter (it plots k \(range.lowerBound)–\(range.upperBound))"
        case .memoryTooSmall(let k, let limit, let needed):
            "k = \(k) needs at least \(needed >> 20) MiB of memory, even spilling to disk; the limit is \(limit >> 20) MiB"
        case .temporaryStorage(let path, let operation, let code):
            "cannot \(operation) in the temporary folder \(path): \(String(cString: strerror(code)))"
        case .notEnoughSpace(let path, let needed, let available):
            "\(path) has \(available >> 20) MiB free; this plot needs about \(needed >> 20) MiB there"
        case .compute(let e): e.description
        case .store(let e): e.description
        }
    }
}

/// Makes plot files: phases 1–3 (in memory, or spilling to temporary files under a memory
/// limit), then phase 4 writes the parks and the table-7 index into a new plot file that
/// appears under its final name only when complete.
public enum Plotter {
    /// The sizes this plotter handles: the construction allows 18–50; 32-bit positions and
    /// 64-bit line points stop at 30.
    public static let supportedK = Parameters.minK...32

    /// About how large a plot of size k is: measured 14.4 bytes an entry at k = 18, 19.3 at k = 24.
    public static func estimatedBytes(k: Int) -> Int { (k - 3) << k }

    /// `plot-k<k>-<plot id>.lmdb`.
    public static func fileName(k: Int, plotID: PlotID) -> String { "plot-k\(k)-\(plotID.hex).lmdb" }

    public static func create(_ request: PlotRequest, progress: @escaping (PlotEvent) -> Void = { _ in }) throws(PlotterError) -> PlotResult {
        guard supportedK.contains(request.k) else { throw .unsupportedK(request.k, supported: supportedK) }
        guard let plan = SpillPlan(k: request.k, memoryLimit: request.memoryLimit) else {
            throw .memoryTooSmall(k: request.k, limit: request.memoryLimit, needed: SpillPlan.minimumBytes(k: request.k))
        }
        // Only in memory: pages kept past their use would count against a spilling plot's limit.
        if plan == .inMemory { PageReuse.keepFreedPages() }
        // Opened first, so a full or unwritable folder fails before minutes of work. zstd level 1
        // for the skewed frames (the nearly random ones get `Zstd.fastLevel`): the parks' deltas
        // hold no repeats worth finding, and at k = 24 level 1 leaves them smaller than level 5
        // (57.76 against 57.87 MB) in 40 % of the time.
        let writer = try storing { () throws(PlotStoreError) in
            try PlotWriter(directory: request.outputDirectory, fileName: fileName(k: request.k, plotID: request.plotID), compressionLevel: 1)
        }
        do {
            try checkSpace(request, plan: plan)
        } catch {
            writer.abandon()
            throw error
        }
        do {
            let sizes: [Int]
            switch plan {
            case .inMemory: sizes = try writeInMemory(request, to: writer, progress: progress)
            case .spill(let bucketBits): sizes = try writeSpilling(request, bucketBits: bucketBits, to: writer, progress: progress)
            }
            let url = try storing { () throws(PlotStoreError) in try writer.finish() }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            return PlotResult(url: url, bytes: bytes, tableSizes: sizes, plan: plan)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Refuses a plot whose output (and temporary) folder clearly lacks the space it needs, so
    /// a long run does not end in a full disk.
    private static func checkSpace(_ request: PlotRequest, plan: SpillPlan) throws(PlotterError) {
        func free(_ url: URL) -> (device: UInt, bytes: Int)? {
            var fs = statvfs(), st = stat()
            guard statvfs(url.path, &fs) == 0, stat(url.path, &st) == 0 else { return nil }
            return (UInt(st.st_dev), Int(fs.f_bavail) * Int(fs.f_frsize))
        }
        let plotBytes = estimatedBytes(k: request.k)
        let temporary = plan == .inMemory ? 0 : SpillPlan.temporaryBytes(k: request.k)
        guard let out = free(request.outputDirectory) else { return }
        if temporary > 0, let tmp = free(request.temporaryDirectory), tmp.device != out.device {
            guard tmp.bytes >= temporary else {
                throw .notEnoughSpace(path: request.temporaryDirectory.path, needed: temporary, available: tmp.bytes)
            }
            guard out.bytes >= plotBytes else { throw .notEnoughSpace(path: request.outputDirectory.path, needed: plotBytes, available: out.bytes) }
        } else if out.bytes < plotBytes + temporary {
            throw .notEnoughSpace(path: request.outputDirectory.path, needed: plotBytes + temporary, available: out.bytes)
        }
    }

    /// Runs `body`, turning the backend's errors into the plotter's.
    static func computing<T>(_ body: () throws(ComputeError) -> T) throws(PlotterError) -> T {
        do { return try body() } catch { throw .compute(error) }
    }

    /// Runs `body`, turning the store's errors into the plotter's.
    static func storing<T>(_ body: () throws(PlotStoreError) -> T) throws(PlotterError) -> T {
        do { return try body() } catch { throw .store(error) }
    }

    private static func writeInMemory(_ request: PlotRequest, to writer: PlotWriter,
                                      progress: @escaping (PlotEvent) -> Void) throws(PlotterError) -> [Int] {
        let (forward, used) = try computing { () throws(ComputeError) in
            try PlotTablesBuilder.propagate(k: request.k, plotID: request.plotID, threads: request.threads,
                                            backend: request.backend, progress: progress)
        }
        var clock = PhaseClock(progress: progress)
        clock.start(3, "compression")
        // Final table t keeps the used entries of forward table t + 1; table 7 keeps them all.
        let sizes = (1...6).map { used[$0 + 1].population } + [forward[7].count]
        let header = try writeHeader(request, sizes: sizes, to: writer)
        // Each final table is stored in the background while the next one is computed.
        let tables = LinePointTablesWriter(writer: writer, stubBits: header.stubBits, threads: request.threads)
        let table7 = LinePointTables.compute(forward: consume forward, used: used, k: request.k, threads: request.threads) { t, points in
            tables.submit(table: t, linePoints: points)
            progress(.tableFinished(phase: 3, table: t, entries: sizes[t - 1], fraction: Double(t) / 7))
        }
        try storing { () throws(PlotStoreError) in try tables.finish() }
        clock.finish()

        clock.start(4, "writing")
        try storing { () throws(PlotStoreError) in
            precondition(table7.positionBits == header.positionBits, "table 7 packed with \(table7.positionBits)-bit positions")
            var parks = Table7ParkWriter(positionBits: header.positionBits, threads: request.threads, writer: writer)
            try table7.entries.withUnsafeBufferPointer { (entries) throws(PlotStoreError) in try parks.append(entries) }
            try parks.finish()
        }
        progress(.tableFinished(phase: 4, table: 7, entries: sizes[6], fraction: 1))
        clock.finish()
        return sizes
    }

    private static func writeSpilling(_ request: PlotRequest, bucketBits: Int, to writer: PlotWriter,
                                      progress: @escaping (PlotEvent) -> Void) throws(PlotterError) -> [Int] {
        let directory = request.temporaryDirectory
        var clock = PhaseClock(progress: progress)
        clock.start(1, "forward propagation")
        let forward = ForwardPropagation(k: request.k, plotID: request.plotID, threads: request.threads, backend: request.backend)
        let tables = try SpilledForwardPropagation(forward: forward, bucketBits: bucketBits, directory: directory).run(progress: progress)
        clock.finish()

        clock.start(2, "backpropagation")
        let used = try Backpropagation.usedEntries(tables)
        clock.finish()

        clock.start(3, "compression")
        let sizes = (1...6).map { used[$0 + 1].population } + [tables.counts[7]]
        let header = try writeHeader(request, sizes: sizes, to: writer)
        let phase3 = SpilledLinePoints(tables: tables, used: used, k: request.k, bucketBits: bucketBits,
                                       mapRanges: SpillPlan.mapRanges(k: request.k, bucketBits: bucketBits, memoryLimit: request.memoryLimit),
                                       threads: request.threads, directory: directory)
        let positions = try phase3.writeLinePointTables(header: header, to: writer, progress: progress)
        clock.finish()

        clock.start(4, "writing")
        try phase3.writeTable7(positions: positions, header: header, to: writer)
        progress(.tableFinished(phase: 4, table: 7, entries: sizes[6], fraction: 1))
        clock.finish()
        return sizes
    }

    private static func writeHeader(_ request: PlotRequest, sizes: [Int], to writer: PlotWriter) throws(PlotterError) -> PlotHeader {
        let header = PlotHeader(k: request.k, plotID: request.plotID, memo: request.memo, tableSizes: sizes)
        try storing { () throws(PlotStoreError) in try writer.put(PlotFile.metaKey, header.encoded()) }
        return header
    }
}
