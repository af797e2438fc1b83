// Times proof verification over the bundled chiapos vectors.
//
//   VerifyBenchmark [VECTORS] [--seconds S] [--threads N]
//
// VECTORS defaults to vectors/chiapos/test_proofs_k21.txt. Every vector must verify to its
// quality first (exit 1 otherwise). Then (a) the single-proof API on one thread, about S
// seconds (default 2) after a warm-up, and (b) the batch API on N threads (default: all
// cores) over the vectors repeated 200 times per call, about S seconds too. Each reports the
// median over several rounds. The result is one JSON object on stdout; nothing else goes there.
import Foundation
import PoSpace

enum Benchmark {
    struct Options {
        var path = "vectors/chiapos/test_proofs_k21.txt"
        var seconds = 2.0
        var threads = Verifier.defaultThreads
    }

    static let batchRepeat = 200
    static let rounds = 9

    static func fail(_ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("VerifyBenchmark: \(message)\n".utf8))
        exit(status)
    }

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments[...]
        var sawPath = false
        while let argument = rest.popFirst() {
            switch argument {
            case "--seconds":
                guard let value = rest.popFirst().flatMap(Double.init), value > 0, value.isFinite else {
                    fail("--seconds needs a positive number", status: 2)
                }
                options.seconds = value
            case "--threads":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                    fail("--threads needs a positive integer", status: 2)
                }
                options.threads = value
            case "-h", "--help":
                FileHandle.standardError.write(Data(
                    "usage: VerifyBenchmark [VECTORS] [--seconds S] [--threads N]\n".utf8))
                exit(0)
            default:
                guard !argument.hasPrefix("-"), !sawPath else { fail("unexpected argument '\(argument)'", status: 2) }
                options.path = argument
                sawPath = true
            }
        }
        return options
    }

    struct Vector {
        let check: ProofCheck
        let quality: QualityString
    }

    static func load(_ path: String) -> [Vector] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
        var vectors: [Vector] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 5, let plotID = PlotID(hex: f[0]), let k = Int(f[1]),
                  let challenge = Challenge(hex: f[2]), let proof = Hex.decode(f[3]),
                  let quality = QualityString(hex: f[4]) else {
                fail("\(path):\(number + 1): expected plot_id, k, challenge, proof, quality")
            }
            vectors.append(Vector(check: ProofCheck(plotID: plotID, k: k, challenge: challenge, proof: proof),
                                  quality: quality))
        }
        guard !vectors.isEmpty else { fail("\(path) holds no vectors") }
        return vectors
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// One pass of the single-proof API over every vector; returns how many verified.
    @inline(never)
    static func singlePass(_ checks: [ProofCheck]) -> Int {
        var valid = 0
        for c in checks {
            if case .success = Verifier.verify(plotID: c.plotID, k: c.k, challenge: c.challenge, proof: c.proof) {
                valid += 1
            }
        }
        return valid
    }

    /// Single thread: µs per proof, the median of `rounds` rounds of about `total / rounds` s.
    static func single(_ checks: [ProofCheck], total: Double) -> (usPerProof: Double, rounds: Int) {
        let clock = ContinuousClock()
        // Warm-up: a tenth of the budget, at least one pass.
        let warmUpEnd = clock.now + .seconds(total / 10)
        repeat {
            guard singlePass(checks) == checks.count else { fail("a vector failed during the warm-up") }
        } while clock.now < warmUpEnd

        var perProof: [Double] = []
        let slice = total / Double(rounds)
        for _ in 0..<rounds {
            var proofs = 0
            let start = clock.now
            var elapsed = 0.0
            repeat {
                guard singlePass(checks) == checks.count else { fail("a vector failed while timing") }
                proofs += checks.count
                elapsed = seconds(clock.now - start)
            } while elapsed < slice
            perProof.append(elapsed / Double(proofs) * 1e6)
        }
        return (median(perProof), perProof.count)
    }

    /// Batch API: µs per proof, the median over calls (at least `rounds`, about `total` s).
    static func batch(_ checks: [ProofCheck], threads: Int, total: Double) -> (usPerProof: Double, calls: Int) {
        let clock = ContinuousClock()
        let big = Array([[ProofCheck]](repeating: checks, count: batchRepeat).joined())
        func call() -> Double {
            let start = clock.now
            let results = Verifier.verify(big, threads: threads)
            let elapsed = seconds(clock.now - start)
            guard results.count == big.count, results.allSatisfy({ if case .success = $0 { true } else { false } })
            else { fail("a vector failed in the batch API") }
            return elapsed
        }
        _ = call()  // warm-up: threads, allocator
        var perProof: [Double] = []
        var spent = 0.0
        while perProof.count < rounds || spent < total {
            let elapsed = call()
            spent += elapsed
            perProof.append(elapsed / Double(big.count) * 1e6)
        }
        return (median(perProof), perProof.count)
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }

    static func main() {
        let options = parse(Array(CommandLine.arguments.dropFirst()))
        let vectors = load(options.path)
        for (i, v) in vectors.enumerated() {
            let c = v.check
            let result = Verifier.verify(plotID: c.plotID, k: c.k, challenge: c.challenge, proof: c.proof)
            guard result == .success(v.quality) else {
                fail("vector \(i + 1) of \(options.path) does not verify to its quality: \(result)")
            }
        }
        let checks = vectors.map(\.check)
        let singleResult = single(checks, total: options.seconds)
        let batchResult = batch(checks, threads: options.threads, total: options.seconds)
        let fields = [
            "\"proofs\": \(checks.count)",
            "\"k\": \(checks[0].k)",
            "\"seconds\": \(format(options.seconds))",
            "\"single_us_per_proof\": \(format(singleResult.usPerProof))",
            "\"single_proofs_per_second\": \(format(1e6 / singleResult.usPerProof))",
            "\"single_rounds\": \(singleResult.rounds)",
            "\"batch_us_per_proof\": \(format(batchResult.usPerProof))",
            "\"batch_proofs_per_second\": \(format(1e6 / batchResult.usPerProof))",
            "\"batch_threads\": \(options.threads)",
            "\"batch_size\": \(checks.count * batchRepeat)",
            "\"batch_calls\": \(batchResult.calls)",
        ]
        print("{" + fields.joined(separator: ", ") + "}")
    }
}

Benchmark.main()
