import ArgumentParser
import Foundation
import PlotStore
import PoSpace
import Proving

/// `plotter prove`: proofs (or qualities) for challenges.
struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print the proofs a plot holds for challenges.",
        discussion: """
            Each proof is printed as 'plot_id, k, challenge, proof, quality', the format of \
            chiapos's test_proofs_k21.txt and of 'verify proofs'. With --qualities-only: \
            'plot_id, k, challenge, index, quality'. Proofs come in chiapos's order, and by default \
            exactly the set chiapos 2.0.12 finds; --every-proof adds the valid proofs its \
            checkpoint lookup skips (about one in 5,000).
            """)

    @Argument(help: "The plot file.")
    var plot: String

    @Option(help: "One challenge, 64 hex digits.")
    var challenge: String?

    @Option(help: "A file of challenges, one per line (or - for standard input).")
    var challenges: String?

    @Flag(help: "Print qualities only (the cheap lookup), with each proof's index.")
    var qualitiesOnly = false

    @Flag(help: "Also return the proofs chiapos's table-7 lookup skips.")
    var everyProof = false

    func validate() throws {
        guard (challenge == nil) != (challenges == nil) else {
            throw ValidationError("give exactly one of --challenge HEX or --challenges FILE")
        }
    }

    func run() throws {
        let list: [Challenge]
        do {
            if let challenge {
                list = [try Challenge.parse(challenge, field: "--challenge")]
            } else {
                list = try readChallenges(challenges!)
            }
        } catch let e as InputError {
            Output.error("error: \(e)")
            throw ExitCode(2)
        }
        let file: PlotFile
        do {
            file = try PlotFile(path: URL(fileURLWithPath: plot))
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
        let prover = Prover(source: file, lookup: everyProof ? .every : .chiapos)
        let prefix = "\(file.plotID.hex), \(file.k), "
        do {
            for c in list {
                if qualitiesOnly {
                    for q in try prover.qualities(for: c) { print(prefix + "\(c.hex), \(q.index), \(q.quality.hex)") }
                } else {
                    for (q, p) in zip(try prover.qualities(for: c), try prover.proofs(for: c)) {
                        print(prefix + "\(c.hex), \(Hex.encode(p.bytes)), \(q.quality.hex)")
                    }
                }
            }
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func readChallenges(_ path: String) throws -> [Challenge] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw InputError(field: "--challenges", expected: "a readable file", got: path)
            }
            data = d
        }
        var out = [Challenge]()
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            out.append(try Challenge.parse(trimmed, field: "--challenges line \(i + 1)"))
        }
        return out
    }
}
