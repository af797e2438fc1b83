import Foundation
@testable import PlotStore
import Testing

/// Damaged, truncated or foreign files are errors, never wrong bytes and never a crash.
@Suite struct CorruptionTests {
    /// A plot holding one value of three 100 KB frames, whose compressed frames are easy to find.
    private func plotWithKnownFrames(_ directory: ScratchDirectory) throws -> (url: URL, frames: [[UInt8]], fileBytes: [UInt8]) {
        let frames = (0..<3).map { randomBytes(100_000, seed: 30 + UInt64($0)) }
        let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
        try writer.put(PlotKey("frames"), frames: frames)
        try writer.put(PlotKey("other"), compressibleBytes(10_000, seed: 4))
        let url = try writer.finish()
        return (url, frames, Array(try Data(contentsOf: url)))
    }

    @Test func aFlippedByteInACompressedFrameIsCorruptionOfThatFrameOnly() throws {
        let directory = try ScratchDirectory()
        let (url, frames, bytes) = try plotWithKnownFrames(directory)
        let compressed = try compressedFrame(frames[1])
        let start = try #require(firstOffset(of: compressed, in: bytes))
        #expect(firstOffset(of: compressed, in: bytes, from: start + 1) == nil)

        for position in [start + 3, start + compressed.count / 2, start + compressed.count - 2] {
            try overwrite(url, at: position, with: [bytes[position] ^ 0x10])
            let reader = try PlotReader(path: url)
            let error = #expect(throws: PlotStoreError.self) { try reader.get(PlotKey("frames"), frame: 1) }
            #expect(error?.kind.name == "corrupt")
            if case .corrupt(let path, let key, _)? = error?.kind {
                #expect(path == url.path)
                #expect(key == PlotKey("frames"))
            }
            #expect(throws: PlotStoreError.self) { try reader.get(PlotKey("frames")) }
            // The other frames and values are still readable.
            #expect(try reader.get(PlotKey("frames"), frame: 0) == frames[0])
            #expect(try reader.get(PlotKey("frames"), frame: 2) == frames[2])
            #expect(try reader.get(PlotKey("other")) == compressibleBytes(10_000, seed: 4))
            try overwrite(url, at: position, with: [bytes[position]])
        }
        #expect(try PlotReader(path: url).get(PlotKey("frames")) == frames.flatMap { $0 })
    }

    @Test func aFlippedHeaderByteIsCorruption() throws {
        let directory = try ScratchDirectory()
        let (url, frames, bytes) = try plotWithKnownFrames(directory)
        let firstFrame = try #require(firstOffset(of: try compressedFrame(frames[0]), in: bytes))
        let header = firstFrame - FramedValue.fixedHeaderSize - 3 * FramedValue.entrySize
        #expect(Array(bytes[header..<header + 4]) == Array("DLFV".utf8))

        // Magic, version, frame count, header CRC, then an offset, a length and a CRC in the table.
        for (field, frame) in [(0, 0), (4, 0), (8, 0), (13, 0), (16, 0), (20 + 16, 1), (28 + 32, 2)] {
            let position = header + field
            try overwrite(url, at: position, with: [bytes[position] ^ 0x01])
            let reader = try PlotReader(path: url)
            let error = #expect(throws: PlotStoreError.self) { try reader.get(PlotKey("frames"), frame: frame) }
            #expect(error?.kind.name == "corrupt", "header byte \(field)")
            #expect(try reader.get(PlotKey("other")) == compressibleBytes(10_000, seed: 4))
            try overwrite(url, at: position, with: [bytes[position]])
        }
    }

    @Test func aTruncatedPlotIsRejectedBeforeLMDBMapsIt() throws {
        let directory = try ScratchDirectory()
        let bytes = try plotWithKnownFrames(directory).fileBytes
        let pageSize = Int(getpagesize())
        for length in [bytes.count / 2, bytes.count - pageSize, bytes.count - 1, 3 * pageSize, pageSize + 100] {
            let copy = directory.file("cut-\(length).plot")
            try Data(bytes.prefix(length)).write(to: copy)
            let error = #expect(throws: PlotStoreError.self) { _ = try PlotReader(path: copy) }
            #expect(error?.kind.name == "truncated", "cut to \(length) bytes")
            if case .truncated(let path, let expected, let actual)? = error?.kind {
                #expect(path == copy.path)
                #expect(actual == length)
                #expect(expected > length)
            }
        }
        // Too short to hold a meta page at all: not a plot.
        try Data(bytes.prefix(100)).write(to: directory.file("tiny.plot"))
        let error = #expect(throws: PlotStoreError.self) { _ = try PlotReader(path: directory.file("tiny.plot")) }
        #expect(error?.kind.name == "notAPlot")
    }

    @Test func foreignAndMissingFilesAreNamedAsSuch() throws {
        let directory = try ScratchDirectory()
        try Data(randomBytes(64 << 10, seed: 11)).write(to: directory.file("random.plot"))
        try Data().write(to: directory.file("empty.plot"))
        try Data(repeating: 0, count: 64 << 10).write(to: directory.file("zeros.plot"))
        try FileManager.default.createDirectory(at: directory.file("dir.plot"), withIntermediateDirectories: false)
        for name in ["random.plot", "empty.plot", "zeros.plot", "dir.plot"] {
            let error = #expect(throws: PlotStoreError.self) { _ = try PlotReader(path: directory.file(name)) }
            #expect(error?.kind.name == "notAPlot", "\(name)")
            #expect(error?.description.contains(directory.file(name).path) == true)
        }
        let missing = directory.file("missing.plot")
        let error = #expect(throws: PlotStoreError.self) { _ = try PlotReader(path: missing) }
        #expect(error?.kind == .notFound(path: missing.path))
    }

    @Test func bytesAppendedToAPlotDoNotHurt() throws {
        let directory = try ScratchDirectory()
        let (url, frames, bytes) = try plotWithKnownFrames(directory)
        try Data(bytes + randomBytes(5_000, seed: 12)).write(to: url)
        #expect(try PlotReader(path: url).get(PlotKey("frames")) == frames.flatMap { $0 })
    }

    /// Flips one bit at a time across a small plot: every byte of the meta pages, of the B-tree
    /// pages' headers and node pointers, and of every node's header and key; every 16th byte
    /// elsewhere (values, free space). Every read either returns the right bytes or throws; the
    /// process never crashes.
    @Test func everyFlippedBitIsCaughtOrHarmless() throws {
        let directory = try ScratchDirectory()
        var content = SampleContent()
        for i in 0..<100 { content.values.append((PlotKey(table: 1, index: UInt64(i)), [randomBytes(20 + i % 40, seed: UInt64(i))])) }
        content.values.append((PlotKey("frames"), (0..<3).map { compressibleBytes(4_000, seed: 50 + UInt64($0)) }))
        content.values.append((PlotKey("big"), [randomBytes(9_000, seed: 60)]))
        let url = try content.write(to: directory.url, name: "p.plot")
        let original = Array(try Data(contentsOf: url))
        let pageSize = Int(getpagesize())

        var structure = Set<Int>(), treePages = 0
        var page = 0
        while page < original.count / pageSize {
            let base = page * pageSize
            let bytes = original.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[base..<base + pageSize]) }
            let flags = LMDBLayout.u16(bytes, 10) & LMDBLayout.PageFlag.typeMask
            if page < 2 {
                structure.formUnion(base..<base + LMDBLayout.metaPageBytes)
            } else if flags == LMDBLayout.PageFlag.branch || flags == LMDBLayout.PageFlag.leaf {
                treePages += 1
                let lower = Int(LMDBLayout.u16(bytes, 12))
                structure.formUnion(base..<base + lower)
                for i in 0..<(lower - LMDBLayout.pageHeaderSize) / 2 {
                    let node = Int(LMDBLayout.u16(bytes, LMDBLayout.pageHeaderSize + 2 * i))
                    let keySize = Int(LMDBLayout.u16(bytes, node + 6))
                    structure.formUnion(base + node..<base + node + 8 + keySize)
                }
            } else if flags == LMDBLayout.PageFlag.overflow {
                structure.formUnion(base..<base + LMDBLayout.pageHeaderSize + FramedValue.fixedHeaderSize + FramedValue.entrySize)
                page += max(1, Int(LMDBLayout.u32(bytes, 12))) - 1
            }
            page += 1
        }
        #expect(treePages >= 3)  // a branch page and its leaves
        let positions = (0..<original.count).filter { $0 % 16 == 0 || structure.contains($0) }

        let outcome = try flipBits(at: positions, of: url, original: original, content: content)
        #expect(outcome.wrong.isEmpty, "wrong values after flipping bytes at \(outcome.wrong.prefix(20))")
        #expect(outcome.caught["corrupt", default: 0] > 1_000)
        #expect(outcome.harmless > 100)  // free space in pages, unused meta fields
        #expect(try content.matches(try PlotReader(path: url)))
    }

    /// In a plot written in several transactions the older meta page describes an older tree;
    /// damage to either meta page must not make a reader see wrong values.
    @Test func flippedMetaPageBitsAreCaughtOrHarmless() throws {
        let directory = try ScratchDirectory()
        let content = SampleContent.mixed(smallKeys: PlotWriter.putsPerTransaction + 100, seed: 14)
        let url = try content.write(to: directory.url, name: "p.plot")
        let original = Array(try Data(contentsOf: url))
        let pageSize = Int(getpagesize())
        let positions = Array(0..<LMDBLayout.metaPageBytes) + Array(pageSize..<pageSize + LMDBLayout.metaPageBytes)
        let outcome = try flipBits(at: positions, of: url, original: original, content: content)
        #expect(outcome.wrong.isEmpty, "wrong values after flipping bytes at \(outcome.wrong.prefix(20))")
        #expect(outcome.caught.values.reduce(0, +) > 50)
    }

    /// Flips bit `position % 8` of each byte in `positions` in turn, opens the plot and reads every
    /// value back, then restores the byte.
    private func flipBits(at positions: [Int], of url: URL, original: [UInt8], content: SampleContent) throws
        -> (caught: [String: Int], harmless: Int, wrong: [Int]) {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        var caught: [String: Int] = [:], harmless = 0, wrong: [Int] = []
        for position in positions {
            try handle.seek(toOffset: UInt64(position))
            try handle.write(contentsOf: [original[position] ^ UInt8(1 << (position % 8))])
            do {
                let reader = try PlotReader(path: url)
                if try content.matchesWholeValues(reader) { harmless += 1 } else { wrong.append(position) }
            } catch let error as PlotStoreError {
                caught[error.kind.name, default: 0] += 1
            }
            try handle.seek(toOffset: UInt64(position))
            try handle.write(contentsOf: [original[position]])
        }
        return (caught, harmless, wrong)
    }
}
