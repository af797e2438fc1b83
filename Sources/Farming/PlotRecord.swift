import Foundation
import PlotStore
import PoSpace

/// One `*.lmdb` file in a plot folder, as the farmer last saw it: farmed, or why not.
public struct PlotRecord: Sendable {
    /// Whether the farmer answers challenges from the file.
    public enum Status: String, Sendable, Codable {
        /// Opened and farmed.
        case ok
        /// Could not be opened, or a lookup found it damaged; `error` says why.
        case error
        /// Another file with the same plot id is farmed instead.
        case duplicate
    }

    public let path: String
    public internal(set) var status: Status
    /// Why the plot is not farmed (nil when `status` is `ok`).
    public internal(set) var error: String?
    /// From the plot header, or from the file name (`plot-k<K>-<id>.lmdb`) when the header is unreadable.
    public let plotID: PlotID?
    public let k: Int?
    public let bytes: Int
    /// The plot container's format version, when the header could be read.
    public let formatVersion: Int?
    /// The open plot; nil unless it opened.
    let file: PlotFile?
    /// Size and modification time when opened: a change means the file must be opened again.
    let stamp: FileStamp

    init(path: String, stamp: FileStamp, opening: () throws(PlotStoreError) -> PlotFile) {
        self.path = path
        self.stamp = stamp
        bytes = stamp.size
        do {
            let file = try opening()
            self.file = file
            status = .ok
            error = nil
            plotID = file.plotID
            k = file.k
            formatVersion = file.header.formatVersion
        } catch {
            file = nil
            status = .error
            self.error = error.description
            let named = Self.parseName(URL(fileURLWithPath: path).lastPathComponent)
            plotID = named?.id
            k = named?.k
            formatVersion = nil
        }
    }

    /// The plot id and k in a file name of the form `plot-k<K>-<64 hex digits>.lmdb`.
    static func parseName(_ name: String) -> (k: Int, id: PlotID)? {
        let parts = name.split(separator: "-")
        guard parts.count == 3, parts[0] == "plot", parts[1].hasPrefix("k"), parts[2].hasSuffix(".lmdb"),
              let k = Int(parts[1].dropFirst()), let id = PlotID(hex: parts[2].dropLast(5)) else { return nil }
        return (k, id)
    }
}

/// What identifies one version of a file: a copy finishing or a file replaced changes it.
struct FileStamp: Hashable, Sendable {
    let size: Int
    let modified: Date
    let inode: UInt64
}
