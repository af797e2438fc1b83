import Foundation
import Logging
import PlotStore
import PoSpace
import Synchronization

/// The plots in the farmer's folders: which files there are, which are farmed, and why the
/// others are not.
///
/// `scan()` brings the list up to date with the folders (new files opened, changed files opened
/// again, removed files dropped); lookups read a snapshot with `farmed`, so a scan never blocks them.
public final class PlotRegistry: Sendable {
    public let directories: [URL]
    private let logger: Logger
    private let records = Mutex<[String: PlotRecord]>([:])
    /// Folders that could not be listed at the last scan, so each failure is logged once.
    private let unreadableDirectories = Mutex<Set<String>>([])

    public init(directories: [URL], logger: Logger) {
        self.directories = directories
        self.logger = logger
    }

    /// Every plot file seen, farmed or not, ordered by path.
    public var all: [PlotRecord] {
        records.withLock { $0.values.sorted { $0.path < $1.path } }
    }

    /// The plots farmed now, ordered by path.
    public var farmed: [FarmedPlot] {
        records.withLock { state in
            state.values.compactMap { r in r.status == .ok ? r.file.map { FarmedPlot(path: r.path, file: $0) } : nil }
        }.sorted { $0.path < $1.path }
    }

    /// The farmed plot with this id, if any.
    public func plot(id: PlotID) -> FarmedPlot? {
        records.withLock { state in
            state.values.first { $0.status == .ok && $0.plotID == id }.flatMap { r in r.file.map { FarmedPlot(path: r.path, file: $0) } }
        }
    }

    /// Stops farming a plot a lookup found damaged, until its file changes.
    public func markFailed(path: String, error: any Error) {
        let changed = records.withLock { state -> Bool in
            guard var record = state[path], record.status == .ok else { return false }
            record.status = .error
            record.error = "\(error)"
            state[path] = record
            return true
        }
        if changed { logger.error("plot damaged; no longer farmed", metadata: ["path": "\(path)", "error": "\(error)"]) }
    }

    /// Brings the list up to date with the folders. Opening a plot reads and checks it, so this
    /// blocks: run it off the event loop.
    public func scan() {
        var present: [String: FileStamp] = [:]
        for directory in directories {
            present.merge(list(directory)) { first, _ in first }
        }
        let known = records.withLock { $0.mapValues(\.stamp) }
        let removed = known.keys.filter { present[$0] == nil }
        var opened: [PlotRecord] = []
        for (path, stamp) in present.sorted(by: { $0.key < $1.key }) where known[path] != stamp {
            let record = PlotRecord(path: path, stamp: stamp) { () throws(PlotStoreError) in
                try PlotFile(path: URL(fileURLWithPath: path))
            }
            opened.append(record)
        }
        guard !removed.isEmpty || !opened.isEmpty else { return }
        records.withLock { state in
            for path in removed { state[path] = nil }
            for record in opened { state[record.path] = record }
            Self.markDuplicates(&state)
        }
        for path in removed { logger.info("plot removed", metadata: ["path": "\(path)"]) }
        for record in opened {
            if let error = record.error {
                logger.error("plot not farmed", metadata: ["path": "\(record.path)", "error": "\(error)"])
            } else {
                logger.info("plot added", metadata: ["path": "\(record.path)", "plot_id": "\(record.plotID?.hex ?? "")",
                                                     "k": "\(record.k ?? 0)", "bytes": "\(record.bytes)"])
            }
        }
    }

    /// The same plot twice (a copy in a second folder) is farmed once: from the first path.
    private static func markDuplicates(_ state: inout [String: PlotRecord]) {
        var owner: [PlotID: String] = [:]
        for path in state.keys.sorted() {
            // A plot found damaged stays out; only opened plots compete for their id.
            guard var record = state[path], record.file != nil, record.status != .error,
                  let id = record.plotID else { continue }
            if let first = owner[id] {
                record.status = .duplicate
                record.error = "same plot id as \(first); farmed from there"
            } else {
                owner[id] = path
                if record.status == .duplicate { record.status = .ok; record.error = nil }
            }
            state[path] = record
        }
    }

    /// The plot files directly inside `directory`: `*.lmdb`, not hidden (a plotter's
    /// `.NAME.partial` temporary file, say), regular files only.
    private func list(_ directory: URL) -> [String: FileStamp] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            let wasUnreadable = unreadableDirectories.withLock { $0.remove(directory.path) != nil }
            if wasUnreadable { logger.info("plot folder readable again", metadata: ["folder": "\(directory.path)"]) }
        } catch {
            let isNew = unreadableDirectories.withLock { $0.insert(directory.path).inserted }
            if isNew { logger.error("cannot list plot folder", metadata: ["folder": "\(directory.path)", "error": "\(error)"]) }
            return [:]
        }
        var out: [String: FileStamp] = [:]
        for name in names where name.hasSuffix(".lmdb") && !name.hasPrefix(".") {
            let path = directory.appendingPathComponent(name).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            out[path] = FileStamp(size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                                  modified: attributes[.modificationDate] as? Date ?? .distantPast,
                                  inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
        }
        return out
    }
}
