import ArgumentParser
import Foundation
import PlotStore
import PoSpace
import Proving

/// `verify plot`: a spot check of a plot file.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Spot-check a plot: run challenges and verify every proof it returns.",
        discussion: """
            Challenge i is SHA-256 of i as 4 big-endian bytes. A healthy plot gives about one proof \
            per challenge, every one valid. Exit 1 on any invalid proof or an unreadable or corrupt plot.
            """)

    @Argument(help: "The plot file.")
    var plot: String

    @Option(name: .shortAndLong, help: "Number of challenges.")
    var n: Int = 100

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Summary: Encodable {
        let plot: String
        let k: Int
        let challenges: Int
        let proofs: Int
        let proofs_per_challenge: Double
        let failures: [String]
        let ok: Bool
    }

    func validate() throws {
        guard n >= 1 else { throw ValidationError("-n: expected at least 1, got \(n)") }
    }

    func run() throws {
        let report: SpotCheck<PlotFile>.Report
        let file: PlotFile
        do {
            file = try PlotFile(path: URL(fileURLWithPath: plot))
            report = try SpotCheck(prover: Prover(source: file)).run(count: n)
        } catch {
            if json { Output.json(["plot": plot, "ok": "false", "error": "\(error)"]) }
            Output.error("error: \(error)")
            throw ExitCode(Output.invalid)
        }
        let ok = report.failures.isEmpty
        if json {
            Output.json(Summary(plot: plot, k: file.k, challenges: report.challenges, proofs: report.proofs,
                                proofs_per_challenge: report.proofsPerChallenge, failures: report.failures, ok: ok))
        } else {
            for f in report.failures { print(f) }
            print(String(format: "%@: k = %d, %d challenges, %d proofs (%.2f per challenge), %d invalid",
                         plot, file.k, report.challenges, report.proofs, report.proofsPerChallenge, report.failures.count))
        }
        if !ok { throw ExitCode(Output.invalid) }
    }
}
