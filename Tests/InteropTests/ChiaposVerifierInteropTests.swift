import Foundation
import PoSpace
import Testing
import TestRandom

/// Differential tests against the reference implementation: every case, the 97 bundled
/// vectors plus mutated copies of each, goes through our verifier and through chiapos 2.0.12
/// (PyPI, driven by `chiapos_oracle.py`), and both must reach the same decision and quality.
///
/// chiapos must be installed (`tools/setup --test`); when it is missing the tests fail.
/// Set `DAYLIGHT_SKIP_INTEROP=1` to disable them instead.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DAYLIGHT_SKIP_INTEROP"] != "1",
                "DAYLIGHT_SKIP_INTEROP=1 is set"))
struct ChiaposVerifierInteropTests {
    @Test func vectorsAreLoaded() {
        #expect(InteropCases.vectors.count == 97)
        #expect(InteropCases.all.count > 10 * InteropCases.vectors.count)
    }

    /// The oracle is the right one: it reproduces the bundled qualities.
    @Test func oracleReproducesTheVectors() throws {
        let answers = try Oracle.answers()
        for (i, vector) in InteropCases.vectors.enumerated() {
            #expect(answers[i] == vector.quality.hex, "vector \(i): chiapos disagrees with the bundled quality")
        }
    }

    /// The heart of it: same decision, same quality, for every case; through both our
    /// single-proof API and the batch API.
    @Test func everyCaseAgreesWithChiapos() throws {
        let answers = try Oracle.answers()
        let cases = InteropCases.all
        let batch = Verifier.verify(cases.map(\.check))
        #expect(batch.count == cases.count)
        var mismatches: [String] = []
        for (i, item) in cases.enumerated() {
            let check = item.check
            let single = Verifier.verify(plotID: check.plotID, k: check.k, challenge: check.challenge,
                                         proof: check.proof)
            if single != batch[i] {
                mismatches.append("\(item.label): single API \(Self.describe(single)), batch API \(Self.describe(batch[i]))")
            }
            let ours = Self.quality(batch[i])
            if ours != answers[i] {
                mismatches.append("\(item.label): ours \(Self.describe(batch[i])), chiapos "
                                  + (answers[i].map { "accepts with quality \($0)" } ?? "rejects"))
            }
        }
        for line in mismatches.prefix(20) { Issue.record("\(line)") }
        let disagreements = mismatches.count
        #expect(disagreements == 0, "of \(cases.count) cases (the first 20 are listed above)")
    }

    /// The mutations exercise both outcomes, so agreement means something.
    @Test func mutationsIncludeAcceptedAndRejectedCases() throws {
        let answers = try Oracle.answers()
        let mutated = InteropCases.all.indices.filter { InteropCases.all[$0].mutation != nil }
        let accepted = mutated.filter { answers[$0] != nil }.count
        let rejected = mutated.count - accepted
        #expect(accepted > 0, "no mutated case is accepted by chiapos")
        #expect(rejected > 0, "no mutated case is rejected by chiapos")
        #expect(accepted >= 2 * InteropCases.vectors.count)
        #expect(rejected >= 8 * InteropCases.vectors.count)
    }

    /// chiapos behaves as the construction predicts for the mutations whose outcome is certain:
    /// a challenge changed within its first k bits cannot match f7; one changed after them still
    /// verifies, with another quality (the challenge is hashed into it).
    @Test func chiaposDecidesCertainMutationsAsPredicted() throws {
        let answers = try Oracle.answers()
        for (i, item) in InteropCases.all.enumerated() {
            guard let mutation = item.mutation else { continue }
            let original = InteropCases.vectors[item.vector].quality.hex
            switch mutation.expected {
            case .reject:
                #expect(answers[i] == nil, "\(item.label): chiapos accepts")
            case .acceptWithNewQuality:
                #expect(answers[i] != nil, "\(item.label): chiapos rejects")
                #expect(answers[i] != original, "\(item.label): quality unchanged")
            case .either:
                break
            }
        }
    }

    static func quality(_ result: Result<QualityString, VerificationFailure>) -> String? {
        if case .success(let quality) = result { quality.hex } else { nil }
    }

    static func describe(_ result: Result<QualityString, VerificationFailure>) -> String {
        switch result {
        case .success(let quality): "accepts with quality \(quality.hex)"
        case .failure(let failure): "rejects (\(failure))"
        }
    }
}

/// One proof check, the vector it came from, and how it was changed (nil: unchanged).
struct InteropCase: Sendable {
    struct Mutation: Sendable {
        enum Expected: Sendable { case reject, acceptWithNewQuality, either }
        let name: String
        let expected: Expected
    }

    let vector: Int
    let mutation: Mutation?
    let check: ProofCheck

    var label: String { "vector \(vector)" + (mutation.map { " / \($0.name)" } ?? "") }
}

enum InteropCases {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Vector: Sendable {
        let plotID: PlotID
        let k: Int
        let challenge: Challenge
        let proof: [UInt8]
        let quality: QualityString
    }

    /// `vectors/chiapos/test_proofs_k21.txt`: plot_id, k, challenge, proof, quality.
    static let vectors: [Vector] = {
        let url = repoRoot.appendingPathComponent("vectors/chiapos/test_proofs_k21.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 5, let plotID = PlotID(hex: f[0]), let k = Int(f[1]),
                  let challenge = Challenge(hex: f[2]), let proof = Hex.decode(f[3]),
                  let quality = QualityString(hex: f[4]) else { return nil }
            return Vector(plotID: plotID, k: k, challenge: challenge, proof: proof, quality: quality)
        }
    }()

    /// The vectors first (case i is vector i), then every mutation of every vector.
    static let all: [InteropCase] = {
        var cases = vectors.enumerated().map { i, v in
            InteropCase(vector: i, mutation: nil,
                        check: ProofCheck(plotID: v.plotID, k: v.k, challenge: v.challenge, proof: v.proof))
        }
        var rng = SplitMix64(seed: 0x4461_796C_6967_6874)  // "Daylight"
        for (i, v) in vectors.enumerated() {
            func add(_ name: String, _ expected: InteropCase.Mutation.Expected,
                     plotID: PlotID? = nil, challenge: Challenge? = nil, proof: [UInt8]? = nil) {
                cases.append(InteropCase(
                    vector: i, mutation: .init(name: name, expected: expected),
                    check: ProofCheck(plotID: plotID ?? v.plotID, k: v.k, challenge: challenge ?? v.challenge,
                                      proof: proof ?? v.proof)))
            }
            let k = v.k, proofBits = v.proof.count * 8

            // Single-bit flips in the proof: first and last bit, both edges of the first
            // x boundary, the middle, and three random positions.
            var positions = [0, proofBits - 1, k - 1, k, proofBits / 2]
            while positions.count < 8 {
                let bit = rng.next(below: proofBits)
                if !positions.contains(bit) { positions.append(bit) }
            }
            for bit in positions {
                add("proof bit \(bit) flipped", .either, proof: flipped(v.proof, bit: bit))
            }

            // The challenge: a bit within the first k (f7 must equal them), one between them
            // and the last five, and one of the last five (which pick the quality pair).
            for bit in [rng.next(below: k), k + rng.next(below: 256 - 5 - k), 251 + rng.next(below: 5)] {
                let challenge = Challenge(bytes: flipped(v.challenge.bytes, bit: bit))!
                add("challenge bit \(bit) flipped", bit < k ? .reject : .acceptWithNewQuality, challenge: challenge)
            }

            // Another plot id: one byte changed.
            let byte = rng.next(below: 32)
            var id = v.plotID.bytes
            id[byte] ^= UInt8(1 + rng.next(below: 255))
            add("plot id byte \(byte) changed", .either, plotID: PlotID(bytes: id)!)

            // Two x values swapped: the two halves of one matched pair, and two at random.
            let xs = BitPacking.unpack(v.proof, bitsEach: k, count: 64)
            let pair = 2 * rng.next(below: 32)
            var far = (rng.next(below: 64), rng.next(below: 63))
            if far.1 >= far.0 { far.1 += 1 }
            for (a, b) in [(pair, pair + 1), far] where xs[a] != xs[b] {
                var swapped = xs
                swapped.swapAt(a, b)
                add("x\(a) and x\(b) swapped", .either, proof: BitPacking.pack(swapped, bitsEach: k))
            }
        }
        return cases
    }()

    /// `bytes` with bit `bit` flipped, counting from the most significant bit of byte 0.
    static func flipped(_ bytes: [UInt8], bit: Int) -> [UInt8] {
        var out = bytes
        out[bit >> 3] ^= 0x80 >> UInt8(bit & 7)
        return out
    }
}

/// Runs `chiapos_oracle.py` once over all cases and keeps its answers.
enum Oracle {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("chiapos_oracle.py")

    /// chiapos's quality (hex) for each case of `InteropCases.all`, nil where it rejects.
    static func answers() throws -> [String?] {
        try run.get()
    }

    private static let run: Result<[String?], Failure> = Result { try ask(InteropCases.all.map(\.check)) }
        .mapError { $0 as? Failure ?? Failure(description: "\($0)") }

    private struct Answer: Decodable {
        let quality: String?
    }

    private static func ask(_ checks: [ProofCheck]) throws -> [String?] {
        // Files rather than pipes for all three streams: nothing can fill up and block.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("daylight-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.jsonl")
        let output = directory.appendingPathComponent("out.jsonl")
        let errors = directory.appendingPathComponent("err.txt")

        let lines = checks.map { c in
            "{\"plot_id\": \"\(c.plotID.hex)\", \"k\": \(c.k), \"challenge\": \"\(c.challenge.hex)\", "
                + "\"proof\": \"\(Hex.encode(c.proof))\"}\n"
        }
        try Data(lines.joined().utf8).write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let stdin = try FileHandle(forReadingFrom: input)
        let stdout = try FileHandle(forWritingTo: output)
        let stderr = try FileHandle(forWritingTo: errors)
        defer {
            try? stdin.close()
            try? stdout.close()
            try? stderr.close()
        }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start python3 for the chiapos oracle: \(error)")
        }
        process.waitUntilExit()

        let message = ((try? String(contentsOf: errors, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        switch process.terminationStatus {
        case 0:
            break
        case 3:
            throw Failure(description: "\(message.isEmpty ? "chiapos is not installed" : message)"
                          + "; or set DAYLIGHT_SKIP_INTEROP=1 to skip the chiapos interop tests")
        case let status:
            throw Failure(description: "the chiapos oracle exited with status \(status): \(message)")
        }

        let text = try String(contentsOf: output, encoding: .utf8)
        let replies = text.split(separator: "\n")
        guard replies.count == checks.count else {
            throw Failure(description: "the chiapos oracle answered \(replies.count) of \(checks.count) cases")
        }
        let decoder = JSONDecoder()
        return try replies.map { try decoder.decode(Answer.self, from: Data($0.utf8)).quality }
    }
}
