import Foundation
import PlotStore
import PoSpace
import Proving

// Times proof lookups in one plot, in process: for random challenges, the quality lookup
// (`qualities(for:)`) and, for each proof found, the full-proof lookup (`proof(for:index:)`).
// Usage: ProveBenchmark PLOT [--challenges N]   Prints one JSON object.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ProveBenchmark: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var count = 500
if let i = arguments.firstIndex(of: "--challenges") {
    guard i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 else { fail("--challenges needs a positive count") }
    count = n
    arguments.removeSubrange(i...(i + 1))
}
guard arguments.count == 1 else { fail("usage: ProveBenchmark PLOT [--challenges N]") }

let file: PlotFile
do { file = try PlotFile(path: URL(fileURLWithPath: arguments[0])) } catch { fail("\(error)") }
let prover = Prover(source: file)
let clock = ContinuousClock()

func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
}

var qualityTimes = [Double](), proofTimes = [Double]()
var proofs = 0
do {
    // Warm-up: touch the index and a few parks.
    for _ in 0..<20 { _ = try prover.qualities(for: Challenge(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!) }
    for _ in 0..<count {
        let challenge = Challenge(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
        var qualities = [QualityEntry]()
        qualityTimes.append(milliseconds(try clock.measure { qualities = try prover.qualities(for: challenge) }))
        for q in qualities {
            var proof: Proof?
            proofTimes.append(milliseconds(try clock.measure { proof = try prover.proof(for: challenge, index: q.index) }))
            guard let proof, case .success = Verifier.verify(plotID: file.plotID, k: file.k, challenge: challenge, proof: proof.bytes) else {
                fail("a proof did not verify")
            }
            proofs += 1
        }
    }
} catch { fail("\(error)") }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

let result: [String: Any] = [
    "k": file.k, "challenges": count, "proofs": proofs,
    "quality_ms_median": percentile(qualityTimes, 0.5), "quality_ms_p99": percentile(qualityTimes, 0.99),
    "proof_ms_median": percentile(proofTimes, 0.5), "proof_ms_p99": percentile(proofTimes, 0.99),
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
