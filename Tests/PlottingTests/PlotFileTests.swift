import Compute
import Foundation
@testable import Plotting
import PlotStore
import PoSpace
import Proving
import Testing

/// Plots written to disk: same proofs as the in-memory tables, deterministic bytes, atomic
/// appearance, and corruption detected instead of wrong proofs.
@Suite struct PlotFileTests {
    static let plotID = PlotID(hex: "23023404333717545b0a6f0c0dde9710e4d3fe2d5cc6cc0a090a0b818bab0f17")!

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func plot(k: Int = 18, threads: Int = 2, in dir: URL) throws -> PlotResult {
        try Plotter.create(PlotRequest(k: k, plotID: plotID, memo: [1, 2, 3], outputDirectory: dir, threads: threads))
    }

    /// (challenge, index, quality, proof) for the first `count` challenges.
    static func answers<S: ProofSource>(_ prover: Prover<S>, count: Int) throws -> [String] {
        var out = [String]()
        for i in 0..<UInt32(count) {
            let c = PhasesTests.challenge(i)
            for (q, p) in zip(try prover.qualities(for: c), try prover.proofs(for: c)) {
                out.append("\(c.hex) \(q.index) \(q.quality.hex) \(Hex.encode(p.bytes))")
            }
        }
        return out
    }

    /// Final tables are stored on a background queue while phase 3 goes on: a store that fails
    /// there (here: a map too small for the table) is thrown when the plotter waits for it, and
    /// later tables are not stored after it.
    @Test func aFailedBackgroundStoreIsThrownAtFinish() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try PlotWriter(directory: dir, fileName: "small.lmdb", mapSize: 1 << 20)
        let tables = LinePointTablesWriter(writer: writer, stubBits: 16, threads: 2)
        var point: UInt64 = 0
        let points = (0..<(1 << 20)).map { i -> UInt64 in point += UInt64((i &* 2_654_435_761) % (1 << 18)); return point }
        tables.submit(table: 1, linePoints: points)
        tables.submit(table: 2, linePoints: [1, 2, 3])
        #expect(throws: PlotStoreError.self) { try tables.finish() }
        #expect(throws: PlotStoreError.self) { try tables.finish() }
        #expect(!FileManager.default.fileExists(atPath: writer.finalURL.path))
    }

    /// A plot of another table format version is refused before anything is read from its
    /// tables, and the message says which way to go: re-plot an older one, update for a newer one.
    @Test(arguments: [PlotHeader.currentFormatVersion - 1, PlotHeader.currentFormatVersion + 1])
    func otherTableFormatVersionsAreRefused(version: Int) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var header = PlotHeader(k: 18, plotID: Self.plotID, memo: [], tableSizes: [Int](repeating: 1, count: 7))
        header.formatVersion = version
        let writer = try PlotWriter(directory: dir, fileName: "v\(version).lmdb")
        try writer.put(PlotFile.metaKey, header.encoded())
        let url = try writer.finish()
        do {
            _ = try PlotFile(path: url)
            Issue.record("version \(version) was opened")
        } catch {
            guard case .unsupportedVersion(_, let format, let found, let supported) = error.kind else {
                Issue.record("unexpected error: \(error)")
                return
            }
            #expect(format == "table" && found == version && supported == PlotHeader.currentFormatVersion)
            let advice = version < supported ? "older Daylight: plot it again" : "use a newer Daylight"
            #expect(error.description.contains(advice), "\(error.description)")
        }
    }

    @Test func storedPlotProvesLikeTheInMemoryTables() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.plot(in: dir)
        #expect(result.url.lastPathComponent == Plotter.fileName(k: 18, plotID: Self.plotID))
        let file = try PlotFile(path: result.url)
        #expect(file.k == 18)
        #expect(file.plotID == Self.plotID)
        #expect(file.header.memo == "010203")
        #expect(file.header.tableSizes == result.tableSizes)
        let tables = try PlotTablesBuilder.build(k: 18, plotID: Self.plotID, threads: 2, backend: CPUBackend(threads: 2), progress: { _ in })
        let stored = try Self.answers(Prover(source: file), count: 100)
        let memory = try Self.answers(Prover(source: InMemoryPlot(k: 18, plotID: Self.plotID, tables: tables)), count: 100)
        #expect(stored.count == 95)  // plot_counts.csv
        #expect(stored == memory)
        // Every line point of every table reads back exactly.
        for t in 1...6 {
            for position in stride(from: 0, to: tables.linePoints[t].count, by: 997) {
                #expect(try file.linePoint(table: t, position: UInt64(position)) == tables.linePoints[t][position])
            }
        }
    }

    @Test func bytesDoNotDependOnThreads() throws {
        let a = try Self.temporaryDirectory(), b = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        let one = try Self.plot(threads: 1, in: a), four = try Self.plot(threads: 4, in: b)
        #expect(try Data(contentsOf: one.url) == Data(contentsOf: four.url))
    }

    @Test func onlyTheFinishedPlotIsLeftAndItIsNeverOverwritten() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.plot(in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [result.url.lastPathComponent])
        #expect(throws: PlotterError.self) { try Self.plot(in: dir) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [result.url.lastPathComponent])
    }

    @Test func unsupportedSizesAndUnwritableFoldersFailClearly() throws {
        #expect(throws: PlotterError.self) { try Self.plot(k: 17, in: FileManager.default.temporaryDirectory) }
        #expect(throws: PlotterError.self) { try Self.plot(k: 33, in: FileManager.default.temporaryDirectory) }
        do {
            _ = try Self.plot(in: URL(fileURLWithPath: "/proc/version/plots"))
            Issue.record("plotting into a file path should fail")
        } catch {
            #expect("\(error)".contains("/proc/version/plots"))
        }
    }

    /// Damage anywhere in the file must surface as an error, never as a different proof.
    @Test func corruptionIsDetectedNotProvedFrom() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Self.plot(in: dir)
        let original = try Self.answers(Prover(source: PlotFile(path: result.url)), count: 30)
        let pristine = try Data(contentsOf: result.url)
        var detected = 0
        for step in 1..<40 {
            var damaged = pristine
            let at = step * pristine.count / 40
            damaged[at] ^= 0x5A
            try damaged.write(to: result.url)
            do {
                let answers = try Self.answers(Prover(source: PlotFile(path: result.url)), count: 30)
                #expect(answers == original, "byte \(at) flipped: proofs changed instead of an error")
            } catch {
                detected += 1
            }
        }
        #expect(detected > 0)
        try pristine.prefix(pristine.count / 2).write(to: result.url)
        #expect(throws: PlotStoreError.self) { _ = try PlotFile(path: result.url) }
    }
}
