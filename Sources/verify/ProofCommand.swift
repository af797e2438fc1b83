import ArgumentParser
import PoSpace

/// `verify proof`: one proof given on the command line.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Verify one proof and print its quality string.",
        discussion: "Prints the 32-byte quality string in hex and exits 0; an invalid proof exits 1 with the reason.")

    @Option(name: .customLong("plot-id"), help: "The plot id: 64 hex digits.")
    var plotID: String

    @Option(name: .customLong("k"), help: "The plot size, \(Parameters.minK) to \(Parameters.maxK).")
    var k: String

    @Option(help: "The challenge: 64 hex digits.")
    var challenge: String

    @Option(help: "The proof in proof ordering: 64 values of k bits, 16·k hex digits.")
    var proof: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    struct Verdict: Encodable {
        let valid: Bool
        let quality: String?
        let reason: String?
    }

    struct Malformed: Encodable {
        let error: String
        let field: String
    }

    func run() throws {
        let plotID: PlotID, k: Int, challenge: Challenge, proof: [UInt8]
        do {
            plotID = try PlotID.parse(self.plotID, field: "--plot-id")
            k = try Parameters.parseK(self.k, field: "--k")
            challenge = try Challenge.parse(self.challenge, field: "--challenge")
            proof = try Proof.parseBytes(self.proof, k: k, field: "--proof")
        } catch {
            if json {
                Output.json(Malformed(error: error.description, field: String(error.field.drop(while: { $0 == "-" }))))
            } else {
                Output.error("error: \(error)")
            }
            throw ExitCode(Output.malformedInput)
        }
        switch Verifier.verify(plotID: plotID, k: k, challenge: challenge, proof: proof) {
        case .success(let quality):
            if json { Output.json(Verdict(valid: true, quality: quality.hex, reason: nil)) } else { print(quality.hex) }
        case .failure(let failure):
            if json {
                Output.json(Verdict(valid: false, quality: nil, reason: failure.description))
            } else {
                print("invalid proof: \(failure)")
            }
            throw ExitCode(Output.invalid)
        }
    }
}
