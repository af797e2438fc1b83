import PoSpace
import Testing

@Suite struct ProofOrderingTests {
    @Test func plotOrderingThenProofOrderingGivesTheProofBack() throws {
        for v in Vectors.proofs {
            let proof = try Proof(k: v.k, bytes: v.proof)
            let plot = ProofOrdering.plotOrdering(of: proof.xs)
            #expect(plot.sorted() == proof.xs.sorted())
            #expect(ProofOrdering.proofOrdering(of: plot, k: v.k, plotID: v.plotID) == proof.xs)
        }
    }

    @Test func qualityIsTakenFromThePlotOrdering() throws {
        let v = Vectors.proofs[3]
        let proof = try Proof(k: v.k, bytes: v.proof)
        let plot = ProofOrdering.plotOrdering(of: proof.xs)
        #expect(QualityString(challenge: v.challenge, k: v.k, plotOrderedXs: plot) == v.quality)
        if plot != proof.xs {
            // The same hash over the proof ordering would be a different (wrong) quality for some index.
            let pairs = (0..<32).map { i -> Bool in
                let a: [UInt64] = [plot[2 * i], plot[2 * i + 1]]
                let b: [UInt64] = [proof.xs[2 * i], proof.xs[2 * i + 1]]
                return a != b
            }
            #expect(pairs.contains(true))
        }
    }

    @Test func plotOrderingPutsTheSmallerHalfFirstAtEveryLevel() throws {
        for v in Vectors.proofs.prefix(10) {
            let plot = ProofOrdering.plotOrdering(of: try Proof(k: v.k, bytes: v.proof).xs)
            var size = 1
            while size < 64 {
                for j in stride(from: 0, to: 64, by: 2 * size) {
                    let l = Array(plot[j..<j + size]), r = Array(plot[j + size..<j + 2 * size])
                    // Compared from the last value backwards, left must not be greater.
                    let firstDifference = (0..<size).reversed().first { l[$0] != r[$0] }
                    if let d = firstDifference { #expect(l[d] < r[d]) }
                }
                size *= 2
            }
        }
    }

    @Test func proofSerializationRoundTrips() throws {
        for v in Vectors.proofs.prefix(5) {
            let proof = try Proof(k: v.k, bytes: v.proof)
            #expect(proof.bytes == v.proof)
            #expect(try Proof(k: v.k, xs: proof.xs) == proof)
        }
        #expect(throws: ProofFormatError.wrongCount(3)) { try Proof(k: 21, xs: [1, 2, 3]) }
        #expect(throws: ProofFormatError.xOutOfRange(k: 21)) { try Proof(k: 21, xs: [UInt64](repeating: 1 << 21, count: 64)) }
        #expect(throws: ProofFormatError.kOutOfRange(60)) { try Proof(k: 60, bytes: []) }
    }
}
