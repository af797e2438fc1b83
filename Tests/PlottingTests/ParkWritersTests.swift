import Foundation
@testable import Plotting
import PlotStore
import Testing
import TestRandom

/// The park writers encode whole batches where they lie and gather only pieces: a table handed
/// over whole (batches in place, then a gathered tail) and the same table in small pieces (all
/// gathered) make byte-identical files.
@Suite struct ParkWritersTests {
    /// One thread: batches of 2 values of 128 parks, 524,288 entries.
    static let threads = 1
    static var batch: Int { ParkValues.batchEntries(threads: threads) }

    static func file(_ name: String, in dir: URL, _ write: (PlotWriter) throws -> Void) throws -> Data {
        let writer = try PlotWriter(directory: dir, fileName: name, compressionLevel: 1)
        try write(writer)
        return try Data(contentsOf: try writer.finish())
    }

    /// `values` in pieces of `piece` (nil: whole).
    static func pieces(_ count: Int, _ piece: Int?) -> [Range<Int>] {
        let size = piece ?? count
        return stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    }

    @Test func linePointTablesWholeOrInPiecesAreTheSame() throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var random = SplitMix64(seed: 11)
        var point: UInt64 = 0
        let points = (0..<(2 * Self.batch + 12_345)).map { _ in point += random.next() % (1 << 22); return point }
        var files = [Data]()
        for (i, piece) in [nil, 99_999].enumerated() {
            files.append(try Self.file("lp\(i).lmdb", in: dir) { writer in
                var parks = LinePointParkWriter(table: 3, stubBits: 19, threads: Self.threads, writer: writer)
                try points.withUnsafeBufferPointer { all in
                    for range in Self.pieces(all.count, piece) { try parks.append(UnsafeBufferPointer(rebasing: all[range])) }
                }
                try parks.finish()
            })
        }
        #expect(files[0] == files[1])
    }

    @Test func table7WholeOrInPiecesIsTheSame() throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var random = SplitMix64(seed: 12)
        let n = 2 * Self.batch + 777
        var f7Value: UInt64 = 0
        let f7 = (0..<n).map { _ in f7Value += random.next() % 3; return f7Value }
        let positions = (0..<n).map { _ in random.next() % (1 << 24) }
        var files = [Data]()
        for (i, piece) in [nil, 123_456].enumerated() {
            files.append(try Self.file("t7\(i).lmdb", in: dir) { writer in
                var parks = Table7ParkWriter(positionBits: 24, threads: Self.threads, writer: writer)
                try f7.withUnsafeBufferPointer { f in
                    try positions.withUnsafeBufferPointer { p in
                        for range in Self.pieces(n, piece) {
                            try parks.append(f7: UnsafeBufferPointer(rebasing: f[range]), positions: UnsafeBufferPointer(rebasing: p[range]))
                        }
                    }
                }
                try parks.finish()
            })
        }
        #expect(files[0] == files[1])
    }
}
