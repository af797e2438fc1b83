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
        // xs | ys | next ys | metadata | next metadata (4 units an entry): no heap traffic inside.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * 64 + 2 * 256) { buffer in
            let xs = buffer.baseAddress!
            var ys = xs + 64, nextYs = ys + 64
            var meta = nextYs + 64, next = meta + 256
            proof.withUnsafeBytes { raw in
                for i in 0..<64 { xs[i] = BitPacking.read(raw, bitOffset: i * k, count: k) }
            }
            f1.evaluate(xs, count: 64, into: ys)
            for i in 0..<64 { meta[4 * i] = xs[i] }
            for table in 2...7 {
                let pairs = 64 >> (table - 1)
                for p in 0..<pairs where !Matching.isMatch(yLeft: ys[2 * p], yRight: ys[2 * p + 1]) {
                    return .failure(.noMatch(table: table, pair: p))
                }
                Fx(k: k, table: table).evaluate(count: pairs, y: ys, yStride: 2, left: meta, right: meta + 4, metaStride: 8,
                                                outY: nextYs, outMeta: next, outMetaStride: 4)
                swap(&ys, &nextYs)
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
