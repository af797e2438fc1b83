import ArgumentParser
import Foundation
import PoSpace

/// `verify`: checks proofs of space against Chia's original construction (format v1.0).
@main
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify Chia-compatible proofs of space (format v1.0).",
        discussion: """
            Exit status: 0 when every proof is valid, 1 when a proof is invalid or a line fails, \
            2 for malformed input (bad hex, wrong length, k outside \(Parameters.minK)–\(Parameters.maxK), unreadable file).
            """,
        subcommands: [ProofCommand.self, ProofsCommand.self, PlotCommand.self])

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            // Help and version requests are clean exits; every other parse error is malformed input.
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            Output.error(fullMessage(for: error))
            Foundation.exit(Output.malformedInput)
        }
    }
}
