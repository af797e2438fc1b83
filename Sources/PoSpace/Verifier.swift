import Foundation

/// One proof to check: everything the verifier needs.
public struct ProofCheck: Hashable, Sendable {
    public var plotID: PlotID
    public var k: Int
    public var challenge: Challenge
    public var proof: [UInt8]

    public init(plotID: PlotID, k: Int, challenge: Challenge, proof: [UInt8]) {
        self.plotID = plotID
        self.k = k
        self.challenge = challenge
        self.proof = proof
    }
}

/// Verifies proofs of space: replays f1…f7 over the proof's x values, checking every match
/// and that f7 equals the challenge's first k bits; a valid proof yields its quality string.
public enum Verifier {
    /// Verifies one proof (serialized, in proof ordering).
    public static func verify(plotID: PlotID, k: Int, challenge: Challenge, proof: [UInt8])
        -> Result<QualityString, VerificationFailure>
    {
        guard Parameters.kRange.contains(k) else { return .failure(.kOutOfRange(k)) }
        guard proof.count == Proof.byteCount(k: k) else {
            return .failure(.wrongProofLength(expected: Proof.byteCount(k: k), actual: proof.count))
        }
        let f1 = F1(k: k, plotID: plotID)
        // xs | ys | metadata | next metadata, 4 units per entry; no heap traffic inside.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 64 + 64 + 256 + 256) { buffer in
            let xs = buffer.baseAddress!, ys = xs + 64
            var meta = ys + 64, next = meta + 256
            proof.withUnsafeBytes { raw in
                for i in 0..<64 { xs[i] = BitPacking.read(raw, bitOffset: i * k, count: k) }
            }
            for i in 0..<64 {
                ys[i] = f1(xs[i])
                meta[4 * i] = xs[i]
            }
            for table in 2...7 {
                let fx = Fx(k: k, table: table)
                for p in 0..<(64 >> (table - 1)) {
                    let yl = ys[2 * p], yr = ys[2 * p + 1]
                    guard Matching.isMatch(yLeft: yl, yRight: yr) else {
                        return .failure(.noMatch(table: table, pair: p))
                    }
                    ys[p] = fx.evaluate(y: yl, left: meta + 8 * p, right: meta + 8 * p + 4, collated: next + 4 * p)
                }
                swap(&meta, &next)
            }
            let challengeTop = challenge.bytes.withUnsafeBytes { BitPacking.read($0, bitOffset: 0, count: k) }
            guard ys[0] >> UInt64(Parameters.extraBits) == challengeTop else {
                return .failure(.challengeMismatch)
            }
            ProofOrdering.toPlotOrdering(xs)
            return .success(QualityString(challenge: challenge, k: k, plotOrderedXs: xs))
        }
    }

    /// Verifies one proof.
    public static func verify(_ check: ProofCheck) -> Result<QualityString, VerificationFailure> {
        verify(plotID: check.plotID, k: check.k, challenge: check.challenge, proof: check.proof)
    }

    /// Verifies many proofs on every core; results are in input order.
    public static func verify(_ checks: [ProofCheck], threads: Int = defaultThreads)
        -> [Result<QualityString, VerificationFailure>]
    {
        let n = checks.count
        let results = UnsafeMutableBufferPointer<Result<QualityString, VerificationFailure>>.allocate(capacity: n)
        defer { results.deallocate() }
        checks.withUnsafeBufferPointer { input in
            Parallel.forEachSlice(count: n, threads: threads) { slice in
                for i in slice { (results.baseAddress! + i).initialize(to: verify(input[i])) }
            }
        }
        let out = Array(results)
        _ = results.deinitialize()
        return out
    }

    /// The number of cores this process may use.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}
