/// The result of checking one line of a proofs file against the verifier.
public enum RecordCheck: Hashable, Sendable, CustomStringConvertible {
    /// The proof verifies to the quality the line gives.
    case passed(QualityString)
    /// The line is not a well-formed record.
    case malformed(InputError)
    /// The proof does not verify.
    case invalid(VerificationFailure)
    /// The proof verifies, but to another quality than the line gives.
    case qualityMismatch(expected: QualityString, actual: QualityString)

    public var passed: Bool {
        if case .passed = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .passed(let q): "ok, quality \(q.hex)"
        case .malformed(let e): "malformed line: \(e)"
        case .invalid(let f): "invalid proof: \(f)"
        case .qualityMismatch(let e, let a): "quality mismatch: line says \(e.hex), proof gives \(a.hex)"
        }
    }

    /// Checks lines of `plot_id, k, challenge, proof, quality` on every core; results in input order.
    public static func check(lines: [Substring], threads: Int = Verifier.defaultThreads) -> [RecordCheck] {
        var outcomes = [RecordCheck?](repeating: nil, count: lines.count)
        var checks = [ProofCheck]()
        var positions = [Int]()
        var expected = [QualityString]()
        for (i, line) in lines.enumerated() {
            do {
                let record = try ProofRecord(line: line)
                checks.append(record.check)
                positions.append(i)
                expected.append(record.quality)
            } catch {
                outcomes[i] = .malformed(error)
            }
        }
        for (j, result) in Verifier.verify(checks, threads: threads).enumerated() {
            switch result {
            case .success(let q) where q == expected[j]: outcomes[positions[j]] = .passed(q)
            case .success(let q): outcomes[positions[j]] = .qualityMismatch(expected: expected[j], actual: q)
            case .failure(let f): outcomes[positions[j]] = .invalid(f)
            }
        }
        return outcomes.map { $0! }
    }
}
