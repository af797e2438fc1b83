import Foundation
@testable import PlotStore
import Testing

/// A plot exists under its final name only when complete; partial files never linger.
@Suite struct AtomicFinishTests {
    @Test func finalNameAppearsOnlyAfterFinish() throws {
        let directory = try ScratchDirectory()
        let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
        #expect(try directory.contents() == [".p.plot.partial"])
        #expect(writer.partialURL.path == directory.file(".p.plot.partial").path)
        for i in 0..<2_000 { try writer.put(PlotKey(table: 0, index: UInt64(i)), randomBytes(100, seed: UInt64(i))) }
        #expect(try directory.contents() == [".p.plot.partial"])

        let url = try writer.finish()
        #expect(url.path == directory.file("p.plot").path)
        #expect(try directory.contents() == ["p.plot"])  // no partial file, no "-lock" file
        writer.abandon()  // does nothing after finish
        #expect(try directory.contents() == ["p.plot"])

        let reader = try PlotReader(path: url)
        #expect(try reader.get(PlotKey(table: 0, index: 1_999)) == randomBytes(100, seed: 1_999))
        #expect(try directory.contents() == ["p.plot"])  // reading makes no lock file either
    }

    @Test func finishedFileHoldsExactlyThePagesLMDBUses() throws {
        let directory = try ScratchDirectory()
        let url = try SampleContent.mixed(smallKeys: 1_500, seed: 6).write(to: directory.url, name: "p.plot")
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        let meta = try LMDBLayout.readMeta(fd: fd, fileSize: size, path: url.path)
        #expect(meta.pageSize == Int(getpagesize()))
        #expect(meta.requiredFileSize == size)
        #expect(try PlotReader(path: url).fileSize == size)
    }

    @Test func abandonRemovesThePartialFile() throws {
        let directory = try ScratchDirectory()
        let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
        try writer.put(PlotKey("a"), randomBytes(50_000, seed: 1))
        writer.abandon()
        #expect(try directory.contents() == [])
        let error = #expect(throws: PlotStoreError.self) { try writer.put(PlotKey("b"), [1]) }
        #expect(error?.kind.name == "invalidArgument")
        #expect(throws: PlotStoreError.self) { try writer.finish() }
        #expect(try directory.contents() == [])
    }

    @Test func aWriterDroppedUnfinishedLeavesNothing() throws {
        let directory = try ScratchDirectory()
        do {
            let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
            try writer.put(PlotKey("a"), [1, 2, 3])
            #expect(try directory.contents() == [".p.plot.partial"])
        }
        #expect(try directory.contents() == [])
    }

    @Test func aStalePartialFileFromAKilledRunIsReplaced() throws {
        let directory = try ScratchDirectory()
        // A killed run may leave garbage, or a sound LMDB file with other contents.
        let other = try SampleContent.mixed(smallKeys: 50, seed: 7).write(to: directory.url, name: "other.plot")
        for stale in [randomBytes(10_000, seed: 8), Array(try Data(contentsOf: other))] {
            try Data(stale).write(to: directory.file(".p.plot.partial"))
            let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
            try writer.put(PlotKey("fresh"), [42])
            let url = try writer.finish()
            let reader = try PlotReader(path: url)
            #expect(try reader.keys(prefix: []) == [PlotKey("fresh")])
            #expect(try reader.get(PlotKey("fresh")) == [42])
            #expect(try directory.contents() == ["other.plot", "p.plot"])
            try FileManager.default.removeItem(at: url)
        }
    }

    @Test func anExistingPlotIsNeverOverwritten() throws {
        let directory = try ScratchDirectory()
        try Data("precious".utf8).write(to: directory.file("p.plot"))
        let error = #expect(throws: PlotStoreError.self) { _ = try PlotWriter(directory: directory.url, fileName: "p.plot") }
        #expect(error?.kind == .alreadyExists(path: directory.file("p.plot").path))
        #expect(try directory.contents() == ["p.plot"])
        #expect(try Data(contentsOf: directory.file("p.plot")) == Data("precious".utf8))
    }

    @Test func finishRefusesAPlotThatAppearedMeanwhile() throws {
        let directory = try ScratchDirectory()
        let writer = try PlotWriter(directory: directory.url, fileName: "p.plot")
        try writer.put(PlotKey("a"), [1])
        try Data("precious".utf8).write(to: directory.file("p.plot"))
        let error = #expect(throws: PlotStoreError.self) { try writer.finish() }
        #expect(error?.kind.name == "alreadyExists")
        writer.abandon()
        #expect(try directory.contents() == ["p.plot"])
        #expect(try Data(contentsOf: directory.file("p.plot")) == Data("precious".utf8))
    }

    @Test func anUnusableDirectoryIsAnIOErrorNamingIt() throws {
        let directory = try ScratchDirectory()
        // A regular file used as a directory fails even for root (ENOTDIR).
        let file = directory.file("not-a-directory")
        try Data("x".utf8).write(to: file)
        for target in [file, file.appendingPathComponent("x"), directory.file("missing")] {
            let error = #expect(throws: PlotStoreError.self) { _ = try PlotWriter(directory: target, fileName: "p.plot") }
            guard case .io(let path, _, let code, let message)? = error?.kind else {
                Issue.record("expected an io error, got \(String(describing: error))")
                continue
            }
            #expect(path == target.path)
            #expect(code == ENOTDIR || code == ENOENT)
            #expect(!message.isEmpty)
            #expect(error?.description.contains(target.path) == true)
        }
    }
}
