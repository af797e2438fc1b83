import Foundation
@testable import PlotStore
import TestRandom

/// A fresh directory under the temporary directory, removed with everything in it when released.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("plotstore-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The names in the directory, hidden ones included, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// `count` incompressible bytes.
func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count { withUnsafeBytes(of: generator.next()) { bytes += $0 } }
    return Array(bytes.prefix(count))
}

/// `count` bytes that compress well but not to nothing: runs of a few random values.
func compressibleBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count {
        let value = UInt8(truncatingIfNeeded: generator.next() % 6)
        bytes += [UInt8](repeating: value, count: Int(generator.next() % 40) + 1)
    }
    return Array(bytes.prefix(count))
}

/// A set of values to put and then expect back.
struct SampleContent {
    var values: [(key: PlotKey, frames: [[UInt8]])] = []

    /// A mix: small inline values, empty frames, a multi-frame value, values on overflow pages.
    static func mixed(smallKeys: Int, seed: UInt64) -> SampleContent {
        var content = SampleContent()
        content.values.append((PlotKey("meta"), [Array("k=18 id=0123".utf8)]))
        content.values.append((PlotKey("empty"), [[]]))
        content.values.append((PlotKey("no frames"), []))
        content.values.append((PlotKey(name: "parks", index: 0),
                               (0..<6).map { compressibleBytes(3_000 * $0, seed: seed &+ UInt64($0)) }))
        content.values.append((PlotKey(name: "parks", index: 1), [randomBytes(20_000, seed: seed &+ 100)]))
        for i in 0..<smallKeys {
            var sizes = SplitMix64(seed: seed &+ UInt64(i))
            let size = Int(sizes.next() % 120)
            content.values.append((PlotKey(table: 1, index: UInt64(i)), [compressibleBytes(size, seed: seed &+ UInt64(i) &+ 7)]))
        }
        return content
    }

    func write(to directory: URL, name: String) throws -> URL {
        let writer = try PlotWriter(directory: directory, fileName: name)
        for value in values { try writer.put(value.key, frames: value.frames) }
        return try writer.finish()
    }

    /// The keys in LMDB's order.
    var sortedKeys: [PlotKey] { values.map(\.key).sorted() }

    /// Whether `reader` gives back exactly these values: each one whole, each frame alone,
    /// frame counts, and the key list.
    func matches(_ reader: PlotReader) throws -> Bool {
        guard try reader.keys(prefix: []) == sortedKeys, reader.keyCount == values.count else { return false }
        for value in values {
            guard try reader.frameCount(value.key) == value.frames.count,
                  try reader.get(value.key) == value.frames.flatMap({ $0 }) else { return false }
            for (i, frame) in value.frames.enumerated() where try reader.get(value.key, frame: i) != frame {
                return false
            }
        }
        return true
    }
}

extension SampleContent {
    /// Whether `reader` lists exactly these keys and gives back each value whole (cheaper than `matches`).
    func matchesWholeValues(_ reader: PlotReader) throws -> Bool {
        guard try reader.keys(prefix: []) == sortedKeys, reader.keyCount == values.count else { return false }
        return try values.allSatisfy { try reader.get($0.key) == $0.frames.flatMap { $0 } }
    }
}

extension PlotStoreError.Kind {
    /// The case's name, for comparing kinds in expectations.
    var name: String {
        switch self {
        case .notFound: "notFound"
        case .notAPlot: "notAPlot"
        case .corrupt: "corrupt"
        case .truncated: "truncated"
        case .io: "io"
        case .lmdb: "lmdb"
        case .zstd: "zstd"
        case .alreadyExists: "alreadyExists"
        case .unsupportedVersion: "unsupportedVersion"
        case .invalidArgument: "invalidArgument"
        }
    }
}

/// Overwrites bytes of a file in place.
func overwrite(_ url: URL, at offset: Int, with bytes: [UInt8]) throws {
    let handle = try FileHandle(forUpdating: url)
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: bytes)
}

/// The offset of the first occurrence of `pattern` in `bytes`.
func firstOffset(of pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
    var i = start
    while i <= bytes.count - pattern.count {
        if bytes[i] == pattern[0], bytes[i..<i + pattern.count].elementsEqual(pattern) { return i }
        i += 1
    }
    return nil
}

/// The zstd frame the writer makes for `bytes` (same settings as PlotWriter's default level).
func compressedFrame(_ bytes: [UInt8]) throws -> [UInt8] {
    let compressor = try ZstdCompressor(level: 3, path: "test")
    var output = [UInt8](repeating: 0, count: bytes.count + bytes.count / 128 + 1024)
    let length = try output.withUnsafeMutableBytes { destination in
        try bytes.withUnsafeBytes { source in try compressor.compress(source, into: destination).get() }
    }
    return Array(output.prefix(length))
}
