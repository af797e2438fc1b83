import Crypto
import PoSpace

/// Runs challenges against a plot and verifies every proof it returns: a quick health check
/// that the plot proves what it should.
public struct SpotCheck<Source: ProofSource> {
    public struct Report: Sendable {
        public var challenges = 0
        public var proofs = 0
        /// Proofs that failed verification or whose quality differs from the cheap lookup's.
        public var failures: [String] = []
        public var proofsPerChallenge: Double { challenges == 0 ? 0 : Double(proofs) / Double(challenges) }
    }

    public let prover: Prover<Source>

    public init(prover: Prover<Source>) { self.prover = prover }

    /// The i-th challenge: SHA-256 of i as 4 big-endian bytes (the challenges of chiapos's vectors).
    public static func challenge(_ i: UInt32) -> Challenge {
        Challenge(bytes: Array(SHA256.hash(data: withUnsafeBytes(of: i.bigEndian) { Array($0) })))!
    }

    /// Checks challenges 0..<count; throws when the plot cannot be read.
    public func run(count: Int) throws -> Report {
        var report = Report()
        let source = prover.source
        for i in 0..<UInt32(count) {
            let c = Self.challenge(i)
            let qualities = try prover.qualities(for: c)
            let proofs = try prover.proofs(for: c)
            report.challenges += 1
            report.proofs += proofs.count
            if qualities.count != proofs.count {
                report.failures.append("challenge \(c.hex): \(qualities.count) qualities but \(proofs.count) proofs")
            }
            for (q, p) in zip(qualities, proofs) {
                switch Verifier.verify(plotID: source.plotID, k: source.k, challenge: c, proof: p.bytes) {
                case .success(let quality) where quality == q.quality: break
                case .success: report.failures.append("challenge \(c.hex) proof \(q.index): quality differs from the lookup's")
                case .failure(let f): report.failures.append("challenge \(c.hex) proof \(q.index): invalid (\(f))")
                }
            }
        }
        return report
    }
}
