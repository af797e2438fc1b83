import Compute
import Crypto
import Foundation
@testable import Plotting
import PoSpace
import Proving
import Testing

/// Phases 1–3 against chiapos: the k = 21 reference proofs, and proof counts.
@Suite struct PhasesTests {
    static func challenge(_ i: UInt32) -> Challenge {
        let bytes = withUnsafeBytes(of: i.bigEndian) { Array($0) }
        return Challenge(bytes: Array(SHA256.hash(data: bytes)))!
    }

    static let vectorsURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("vectors/chiapos")

    @Test func k21ReproducesTheReferenceProofs() throws {
        let plotID = PlotID(hex: "05683404333717545b0a6f0c0dde9710e4d3fe2d5cc6cc0a090a0b818bab0f17")!
        let tables = try PlotTablesBuilder.build(k: 21, plotID: plotID, threads: 2, backend: CPUBackend(threads: 2), progress: { _ in })
        let prover = Prover(source: InMemoryPlot(k: 21, plotID: plotID, tables: tables))
        var lines = [String]()
        for i in 0..<UInt32(100) {
            let c = Self.challenge(i)
            let qualities = try prover.qualities(for: c)
            let proofs = try prover.proofs(for: c)
            #expect(qualities.count == proofs.count)
            for (q, p) in zip(qualities, proofs) {
                #expect(Verifier.verify(plotID: plotID, k: 21, challenge: c, proof: p.bytes) == .success(q.quality))
                lines.append("\(plotID.hex), 21, \(c.hex), \(Hex.encode(p.bytes)), \(q.quality.hex)")
            }
        }
        let expected = try String(contentsOf: Self.vectorsURL.appendingPathComponent("test_proofs_k21.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == expected.count)
        #expect(Set(lines) == Set(expected))
        #expect(lines == expected, "same order as chiapos")

        // Challenge 4229 has one table-7 entry, at index 1,250,000: a checkpoint, which chiapos's
        // lookup skips (plot_counts.csv counts 4945 proofs, not 4946). `.every` finds it, valid.
        let skipped = Self.challenge(4229)
        #expect(try prover.qualities(for: skipped).isEmpty)
        let every = Prover(source: InMemoryPlot(k: 21, plotID: plotID, tables: tables), lookup: .every)
        let extra = try every.proofs(for: skipped)
        #expect(extra.count == 1)
        for (q, p) in zip(try every.qualities(for: skipped), extra) {
            #expect(Verifier.verify(plotID: plotID, k: 21, challenge: skipped, proof: p.bytes) == .success(q.quality))
        }
    }
}

/// Proof counts chiapos finds over the first challenges (`plot_counts.csv`). k = 21 runs only
/// with DAYLIGHT_SLOW_TESTS=1.
@Suite struct ProofCountTests {
    struct Row: Sendable, CustomStringConvertible {
        let k: Int, plotID: PlotID, challenges: Int, proofs: Int
        var description: String { "k\(k)" }
    }

    static let rows: [Row] = ((try? String(contentsOf: PhasesTests.vectorsURL.appendingPathComponent("plot_counts.csv"),
                                           encoding: .utf8)) ?? "")
        .split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",")
            return Row(k: Int(f[0])!, plotID: PlotID(hex: f[1])!, challenges: Int(f[2])!, proofs: Int(f[3])!)
        }
    static let slow = ProcessInfo.processInfo.environment["DAYLIGHT_SLOW_TESTS"] == "1"

    @Test func rowsAreLoaded() {
        #expect(Self.rows.map(\.k) == [18, 19, 20, 21])
    }

    @Test(arguments: rows.filter { $0.k <= 20 || slow })
    func countsMatchChiapos(_ row: Row) throws {
        let tables = try PlotTablesBuilder.build(k: row.k, plotID: row.plotID, threads: 2, backend: CPUBackend(threads: 2), progress: { _ in })
        let prover = Prover(source: InMemoryPlot(k: row.k, plotID: row.plotID, tables: tables))
        var found = 0
        for i in 0..<UInt32(row.challenges) {
            found += try prover.qualities(for: PhasesTests.challenge(i)).count
        }
        #expect(found == row.proofs)
    }
}
