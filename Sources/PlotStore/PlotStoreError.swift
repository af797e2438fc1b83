/// Everything that can go wrong writing or reading a plot file, as a value whose `description`
/// names the file and says what to do about it.
///
/// Match on `kind` to react to a particular failure:
/// ```swift
/// catch let error { if case .truncated = error.kind { … } }
/// ```
public struct PlotStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, with the details a message needs.
    public enum Kind: Hashable, Sendable {
        /// No file at `path`.
        case notFound(path: String)
        /// The file exists but is not a Daylight plot: not an LMDB file, not a regular file, or an
        /// LMDB file without the PlotStore record (`reason` says which).
        case notAPlot(path: String, reason: String)
        /// The plot is damaged. `key` is the value that failed its checks, or nil when LMDB's own
        /// structure (meta pages, B-tree pages) or the PlotStore record is damaged.
        case corrupt(path: String, key: PlotKey?, reason: String)
        /// The file is shorter than LMDB's meta pages say it must be (an interrupted copy, a full disk).
        case truncated(path: String, expectedBytes: Int, actualBytes: Int)
        /// A file-system call failed; `errno` is the C error code and `message` its text.
        case io(path: String, operation: String, errno: Int32, message: String)
        /// An LMDB call failed; `code` is LMDB's return code and `message` is `mdb_strerror(code)`.
        case lmdb(path: String, operation: String, code: Int32, message: String)
        /// zstd failed while compressing (reading reports zstd failures as `corrupt`).
        case zstd(path: String, operation: String, message: String)
        /// A plot with the final name already exists; the writer never overwrites one.
        case alreadyExists(path: String)
        /// The plot was written in a version of one of its formats (`format`: "container",
        /// "value layout" or "table") that this build cannot read.
        case unsupportedVersion(path: String, format: String, found: Int, supported: Int)
        /// The caller asked for something the store cannot do (a key that is too long, a frame
        /// index out of range, a put after `finish()`); `reason` explains.
        case invalidArgument(reason: String)
    }

    /// What went wrong.
    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// The path the error is about, or nil for `invalidArgument`.
    public var path: String? {
        switch kind {
        case .notFound(let path), .notAPlot(let path, _), .corrupt(let path, _, _),
             .truncated(let path, _, _), .io(let path, _, _, _), .lmdb(let path, _, _, _),
             .zstd(let path, _, _), .alreadyExists(let path), .unsupportedVersion(let path, _, _, _):
            return path
        case .invalidArgument:
            return nil
        }
    }

    /// One line for a user: the file, what is wrong, and what to do.
    public var description: String {
        switch kind {
        case .notFound(let path):
            return "\(path): no such plot file"
        case .notAPlot(let path, let reason):
            return "\(path): not a Daylight plot (\(reason))"
        case .corrupt(let path, let key, let reason):
            let place = key.map { "value \($0)" } ?? "LMDB structure"
            return "\(path): plot is corrupt in \(place): \(reason); re-create the plot or restore it from a good copy"
        case .truncated(let path, let expected, let actual):
            return "\(path): plot is truncated: LMDB needs at least \(expected) bytes but the file has \(actual) "
                + "(an interrupted copy or a full disk?); copy it again or re-create it"
        case .io(let path, let operation, let code, let message):
            return "\(path): cannot \(operation): \(message) (errno \(code))"
        case .lmdb(let path, let operation, let code, let message):
            return "\(path): LMDB failed to \(operation): \(message) (code \(code))"
        case .zstd(let path, let operation, let message):
            return "\(path): zstd failed to \(operation): \(message)"
        case .alreadyExists(let path):
            return "\(path): a plot with this name already exists; move it away or choose another name"
        case .unsupportedVersion(let path, let format, let found, let supported):
            let advice = found > supported ? "use a newer Daylight" : "it was made by an older Daylight: plot it again"
            return "\(path): plot \(format) format version \(found) is not supported (this build reads version \(supported)); \(advice)"
        case .invalidArgument(let reason):
            return "invalid use of PlotStore: \(reason)"
        }
    }
}
