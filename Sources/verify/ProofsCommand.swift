import ArgumentParser
import Foundation
import PoSpace

/// `verify proofs`: a file of proof lines, as chiapos's `test_proofs_k21.txt`.
struct ProofsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs",
        abstract: "Verify every line of a proofs file: plot_id, k, challenge, proof, quality.",
        discussion: """
            Each line's proof must verify to the quality it gives. Failing lines are reported with \
            their line numbers, then a summary line 'N passed, M failed'. Blank lines and lines \
            starting with '#' are skipped. Exit 1 if any line failed.
            """)

    @Argument(help: "The proofs file, or - for standard input.")
    var file: String

    @Flag(help: "Print one JSON object per line checked, then a summary object.")
    var json = false

    @Flag(name: .shortAndLong, help: "Also print the lines that pass.")
    var verbose = false

    @Option(help: "Threads to verify with (default: all cores).")
    var threads: Int = Verifier.defaultThreads

    struct LineResult: Encodable {
        let line: Int
        let passed: Bool
        let quality: String?
        let reason: String?
    }

    struct Summary: Encodable {
        let passed: Int
        let failed: Int
    }

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                               : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            Output.error("error: cannot read \(file): \((error as NSError).localizedDescription)")
            throw ExitCode(Output.malformedInput)
        }
        let text = String(decoding: data, as: UTF8.self)
        // Keep line numbers: number every line, then drop the blank and comment ones.
        let numbered = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { _, line in
                let t = line.drop(while: { $0 == " " || $0 == "\t" })
                return !t.isEmpty && t != "\r" && !t.hasPrefix("#")
            }
        let outcomes = RecordCheck.check(lines: numbered.map(\.element), threads: threads)
        var passed = 0, failed = 0
        for ((index, _), outcome) in zip(numbered, outcomes) {
            let lineNumber = index + 1
            if outcome.passed { passed += 1 } else { failed += 1 }
            if json {
                var quality: String? = nil
                if case .passed(let q) = outcome { quality = q.hex }
                Output.json(LineResult(line: lineNumber, passed: outcome.passed, quality: quality,
                                       reason: outcome.passed ? nil : outcome.description))
            } else if !outcome.passed || verbose {
                print("line \(lineNumber): \(outcome)")
            }
        }
        if json { Output.json(Summary(passed: passed, failed: failed)) } else { print("\(passed) passed, \(failed) failed") }
        if failed > 0 { throw ExitCode(Output.invalid) }
    }
}
