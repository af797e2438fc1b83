import PoSpace
import Testing

@Suite struct VerifierVectorTests {
    @Test func allVectorsAreLoaded() {
        #expect(Vectors.proofs.count == 97)
    }

    @Test func everyVectorVerifiesToItsQuality() {
        for (i, v) in Vectors.proofs.enumerated() {
            let result = Verifier.verify(plotID: v.plotID, k: v.k, challenge: v.challenge, proof: v.proof)
            #expect(result == .success(v.quality), "vector \(i)")
        }
    }

    @Test func batchAgreesWithSingle() {
        let checks = Vectors.proofs.map { ProofCheck(plotID: $0.plotID, k: $0.k, challenge: $0.challenge, proof: $0.proof) }
        let batch = Verifier.verify(checks, threads: 4)
        #expect(batch == Vectors.proofs.map { .success($0.quality) })
    }

    /// Flipping any single bit must break the proof. Every proof gets its first and last bit
    /// and 30 positions spread over the rest (a different spread per proof).
    @Test func singleBitFlipsAreRejected() {
        for (i, v) in Vectors.proofs.enumerated() {
            let bits = v.proof.count * 8
            var positions: Set<Int> = [0, bits - 1]
            for j in 0..<30 { positions.insert((j * bits / 30 + i * 7919) % bits) }
            for bit in positions {
                var proof = v.proof
                proof[bit >> 3] ^= 0x80 >> UInt8(bit & 7)
                let result = Verifier.verify(plotID: v.plotID, k: v.k, challenge: v.challenge, proof: proof)
                guard case .failure = result else {
                    Issue.record("vector \(i): flipping bit \(bit) still verifies")
                    continue
                }
            }
        }
    }

    @Test func anotherChallengeOrPlotIDIsRejected() {
        for v in Vectors.proofs {
            var c = v.challenge.bytes
            c[0] ^= 1
            #expect(Verifier.verify(plotID: v.plotID, k: v.k, challenge: Challenge(bytes: c)!, proof: v.proof)
                    == .failure(.challengeMismatch))
            var id = v.plotID.bytes
            id[5] ^= 0x10
            if case .success = Verifier.verify(plotID: PlotID(bytes: id)!, k: v.k, challenge: v.challenge, proof: v.proof) {
                Issue.record("changed plot id still verifies")
            }
        }
    }

    @Test func changingOnlyTheLowChallengeBitsChangesTheQuality() {
        // The last five bits pick the quality pair; they are not among the first k bits.
        let v = Vectors.proofs[0]
        var c = v.challenge.bytes
        c[31] ^= 0x1F
        let result = Verifier.verify(plotID: v.plotID, k: v.k, challenge: Challenge(bytes: c)!, proof: v.proof)
        guard case .success(let q) = result else {
            Issue.record("low challenge bits should not affect validity")
            return
        }
        #expect(q != v.quality)
    }

    @Test func wrongLengthAndKAreRejected() {
        let v = Vectors.proofs[0]
        #expect(Verifier.verify(plotID: v.plotID, k: 17, challenge: v.challenge, proof: v.proof) == .failure(.kOutOfRange(17)))
        #expect(Verifier.verify(plotID: v.plotID, k: 51, challenge: v.challenge, proof: v.proof) == .failure(.kOutOfRange(51)))
        #expect(Verifier.verify(plotID: v.plotID, k: v.k, challenge: v.challenge, proof: Array(v.proof.dropLast()))
                == .failure(.wrongProofLength(expected: 168, actual: 167)))
        #expect(Verifier.verify(plotID: v.plotID, k: 22, challenge: v.challenge, proof: v.proof)
                == .failure(.wrongProofLength(expected: 176, actual: 168)))
    }
}
