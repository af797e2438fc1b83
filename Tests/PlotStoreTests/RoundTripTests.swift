import Foundation
@testable import PlotStore
import Testing
import TestRandom

/// What goes in comes back out: values of every shape, keys in order, misuse refused.
@Suite struct RoundTripTests {
    @Test func singleAndMultiFrameValuesRoundTrip() throws {
        let directory = try ScratchDirectory()
        let single = randomBytes(1_000, seed: 1)
        let frames = (0..<5).map { compressibleBytes(700 * $0, seed: UInt64($0)) }  // frame 0 is empty
        let writer = try PlotWriter(directory: directory.url, fileName: "a.plot")
        try writer.put(PlotKey("single"), single)
        try writer.put(PlotKey("multi"), frames: frames)
        try writer.put(PlotKey("one empty frame"), [])
        try writer.put(PlotKey("no frames"), frames: [])
        try writer.put(PlotKey("empties around"), frames: [[], [1, 2, 3], []])
        let reader = try PlotReader(path: try writer.finish())

        #expect(reader.keyCount == 5)
        #expect(try reader.get(PlotKey("single")) == single)
        #expect(try reader.get(PlotKey("single"), frame: 0) == single)
        #expect(try reader.frameCount(PlotKey("single")) == 1)
        #expect(try reader.frameCount(PlotKey("multi")) == 5)
        for (i, frame) in frames.enumerated() {
            #expect(try reader.get(PlotKey("multi"), frame: i) == frame)
        }
        #expect(try reader.get(PlotKey("multi")) == frames.flatMap { $0 })
        #expect(try reader.get(PlotKey("one empty frame")) == [])
        #expect(try reader.frameCount(PlotKey("one empty frame")) == 1)
        #expect(try reader.get(PlotKey("no frames")) == [])
        #expect(try reader.frameCount(PlotKey("no frames")) == 0)
        #expect(try reader.get(PlotKey("empties around"), frame: 1) == [1, 2, 3])
        #expect(try reader.get(PlotKey("empties around"), frame: 2) == [])
        #expect(try reader.get(PlotKey("empties around")) == [1, 2, 3])
    }

    @Test func absentKeysAreNilAndMissingFramesAreRefused() throws {
        let directory = try ScratchDirectory()
        let writer = try PlotWriter(directory: directory.url, fileName: "a.plot")
        try writer.put(PlotKey("two"), frames: [[1], [2]])
        let reader = try PlotReader(path: try writer.finish())

        #expect(try reader.get(PlotKey("absent")) == nil)
        #expect(try reader.get(PlotKey("absent"), frame: 0) == nil)
        #expect(try reader.frameCount(PlotKey("absent")) == nil)
        for frame in [-1, 2] {
            let error = #expect(throws: PlotStoreError.self) { try reader.get(PlotKey("two"), frame: frame) }
            #expect(error?.kind.name == "invalidArgument")
        }
        // The container record is not a user key.
        #expect(try reader.keys(prefix: []) == [PlotKey("two")])
        #expect(try reader.keys(prefix: [0xFF]) == [])
    }

    @Test func largeValuesRoundTrip() throws {
        let directory = try ScratchDirectory()
        let random = randomBytes(1 << 20, seed: 2)
        let compressible = compressibleBytes(1 << 20, seed: 3)
        let frames = (0..<8).map { randomBytes(256 << 10, seed: 10 + UInt64($0)) }
        let writer = try PlotWriter(directory: directory.url, fileName: "big.plot")
        try writer.put(PlotKey("random"), random)
        try writer.put(PlotKey("compressible"), compressible)
        try writer.put(PlotKey("frames"), frames: frames)
        let url = try writer.finish()
        let reader = try PlotReader(path: url)

        #expect(try reader.get(PlotKey("random")) == random)
        #expect(try reader.get(PlotKey("compressible")) == compressible)
        #expect(try reader.get(PlotKey("frames"), frame: 5) == frames[5])
        #expect(try reader.get(PlotKey("frames")) == frames.flatMap { $0 })
        // Random data does not shrink; the compressible megabyte does, a lot.
        #expect(reader.fileSize > (3 << 20))
        #expect(reader.fileSize < (3 << 20) + (400 << 10))
    }

    @Test func manyKeysComeBackInKeyOrder() throws {
        let directory = try ScratchDirectory()
        var generator = SplitMix64(seed: 4)
        let indices = (0..<3_000).map { UInt64($0) * 1_000_003 }.shuffled(using: &generator)
        let writer = try PlotWriter(directory: directory.url, fileName: "many.plot")
        for index in indices {
            try writer.put(PlotKey(table: 3, index: index), Array(String(index).utf8))
        }
        for index in [300 as UInt64, 2, 10, 1] { try writer.put(PlotKey(name: "park", index: index), [UInt8(truncatingIfNeeded: index)]) }
        try writer.put(PlotKey(name: "parking", index: 0), [0])
        try writer.put(PlotKey("meta"), [1])
        let reader = try PlotReader(path: try writer.finish())

        let tableKeys = try reader.keys(prefix: PlotKey.prefix(table: 3))
        #expect(tableKeys.map(\.index) == indices.sorted().map { Optional($0) })
        for index in indices.prefix(200) {
            #expect(try reader.get(PlotKey(table: 3, index: index)) == Array(String(index).utf8))
        }
        let parks = try reader.keys(prefix: PlotKey.prefix(name: "park"))
        #expect(parks.map(\.index) == [1, 2, 10, 300])
        #expect(try reader.keys(prefix: Array("park".utf8)).count == 5)
        #expect(try reader.keys(prefix: []).count == 3_006)
        #expect(try reader.keys(prefix: [9]) == [])
        #expect(reader.keyCount == 3_006)
    }

    @Test func keysAreBytesInLMDBOrder() {
        #expect(PlotKey(table: 1, index: 256).bytes == [1, 0, 0, 0, 0, 0, 0, 1, 0])
        #expect(PlotKey(name: "ab", index: 1).bytes == [0x61, 0x62, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(PlotKey("meta").bytes == Array("meta".utf8))
        #expect(PlotKey(table: 1, index: 255) < PlotKey(table: 1, index: 256))
        #expect(PlotKey(table: 1, index: .max) < PlotKey(table: 2, index: 0))
        #expect(PlotKey(bytes: [1]) < PlotKey(bytes: [1, 0]))
        #expect(PlotKey(name: "ab", index: 7).index == 7)
        #expect(PlotKey("meta").index == nil)
        #expect(PlotKey("meta").description == "\"meta\"")
        #expect(PlotKey(name: "park", index: 42).description == "\"park\"#42")
        #expect(PlotKey(table: 2, index: 1).description == "0x020000000000000001")
    }

    @Test func misuseIsRefused() throws {
        let directory = try ScratchDirectory()
        let writer = try PlotWriter(directory: directory.url, fileName: "a.plot")
        try writer.put(PlotKey("once"), [1])
        var refused: [PlotStoreError?] = []
        refused.append(#expect(throws: PlotStoreError.self) { try writer.put(PlotKey("once"), [2]) })
        refused.append(#expect(throws: PlotStoreError.self) { try writer.put(PlotKey(bytes: []), [2]) })
        refused.append(#expect(throws: PlotStoreError.self) { try writer.put(PlotKey(bytes: [UInt8](repeating: 7, count: 512)), [2]) })
        refused.append(#expect(throws: PlotStoreError.self) { try writer.put(PlotKey.container, [2]) })
        // A refused put leaves the writer usable.
        try writer.put(PlotKey(bytes: [UInt8](repeating: 7, count: 511)), [3])
        let reader = try PlotReader(path: try writer.finish())
        refused.append(#expect(throws: PlotStoreError.self) { try writer.put(PlotKey("late"), [2]) })
        refused.append(#expect(throws: PlotStoreError.self) { try writer.finish() })
        refused.append(#expect(throws: PlotStoreError.self) { try reader.get(PlotKey(bytes: [])) })
        #expect(refused.map { $0?.kind.name } == [String?](repeating: "invalidArgument", count: 7))
        #expect(try reader.get(PlotKey("once")) == [1])
        #expect(try reader.get(PlotKey(bytes: [UInt8](repeating: 7, count: 511))) == [3])

        for level: Int32 in [-200_000, 23] {
            let error = #expect(throws: PlotStoreError.self) {
                _ = try PlotWriter(directory: directory.url, fileName: "b.plot", compressionLevel: level)
            }
            #expect(error?.kind.name == "invalidArgument")
        }
        for name in ["", ".", "..", "a/b"] {
            let error = #expect(throws: PlotStoreError.self) { _ = try PlotWriter(directory: directory.url, fileName: name) }
            #expect(error?.kind.name == "invalidArgument")
        }
    }

    @Test func everyCompressionLevelRoundTrips() throws {
        let directory = try ScratchDirectory()
        let data = compressibleBytes(50_000, seed: 5)
        for level: Int32 in [-5, 1, 3, 9, 19] {
            let writer = try PlotWriter(directory: directory.url, fileName: "level\(level).plot", compressionLevel: level)
            try writer.put(PlotKey("data"), data)
            #expect(try PlotReader(path: try writer.finish()).get(PlotKey("data")) == data)
        }
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func errorsNameTheFileAndTheFix() {
        let truncated = PlotStoreError(.truncated(path: "/plots/a.plot", expectedBytes: 8192, actualBytes: 4096))
        #expect(truncated.path == "/plots/a.plot")
        #expect(truncated.description.contains("/plots/a.plot"))
        #expect(truncated.description.contains("8192"))
        let io = PlotStoreError(.io(path: "/x", operation: "open", errno: 20, message: "Not a directory"))
        #expect(io.description == "/x: cannot open: Not a directory (errno 20)")
        #expect(PlotStoreError(.corrupt(path: "/p", key: PlotKey("meta"), reason: "bad")).description.contains("value \"meta\""))
    }

    /// A batch put compresses on several threads, nearly random frames at the fast level: the
    /// values come back the same, the file does not depend on the thread count, and a random
    /// frame stays about as large as at the writer's level.
    @Test func batchPutsWithNearlyRandomFramesRoundTrip() throws {
        let directory = try ScratchDirectory()
        let values = (0..<12).map { i in
            (key: PlotKey(table: 2, index: UInt64(i)),
             frames: [Frame(randomBytes(30_000, seed: UInt64(i)), isNearlyRandom: true),
                      Frame(compressibleBytes(20_000, seed: 50 + UInt64(i)))])
        }
        var files: [[UInt8]] = []
        for threads in [1, 2, 3] {
            let writer = try PlotWriter(directory: directory.url, fileName: "t\(threads).plot", compressionLevel: 9)
            try writer.put(values, threads: threads)
            let url = try writer.finish()
            let reader = try PlotReader(path: url)
            for value in values {
                #expect(try reader.get(value.key, frame: 0) == value.frames[0].bytes)
                #expect(try reader.get(value.key, frame: 1) == value.frames[1].bytes)
            }
            files.append(Array(try Data(contentsOf: url)))
        }
        #expect(files[0] == files[1] && files[1] == files[2])

        let slow = try PlotWriter(directory: directory.url, fileName: "slow.plot", compressionLevel: 9)
        try slow.put(values.map { ($0.key, $0.frames.map { Frame($0.bytes) }) }, threads: 2)
        let slowSize = try PlotReader(path: try slow.finish()).fileSize
        let fastSize = try PlotReader(path: directory.file("t1.plot")).fileSize
        #expect(fastSize <= slowSize + slowSize / 100)
    }
}
