import PoSpace
import Testing

/// Chia's signage-point formulas against values computed in Python from chia-blockchain's definitions.
struct ChiaRulesTests {
    let zero = Hash32(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    @Test func plotFilterCountsLeadingZeroBits() throws {
        // SHA-256(0^32 ‖ 0^32 ‖ sp) starts with exactly 12 zero bits (sp = SHA-256("sp 539")).
        let sp = try #require(Hash32(hex: "2d86377df0c382ee6fb2fda19a837fc913726d6ecaeec265d5f5e740a14d4bec"))
        let filter = PlotFilter(plotID: PlotID(uncheckedBytes: zero.bytes), challengeHash: zero, spHash: sp)
        #expect(filter.input.hex == "000fbd77695a348ad3070718c0681e02ba5974e3a44b25ad70dad6b55a0457d3")
        #expect(filter.challenge.hex == "6743244307c17477f3c3cc3bb71016458d3625abfc7c657b3c945d522464220f")
        for bits in [0, 1, 7, 8, 9, 12] { #expect(filter.passes(bits: bits), "\(bits) bits") }
        for bits in [13, 16, 64, 256] { #expect(!filter.passes(bits: bits), "\(bits) bits") }
    }

    @Test func requiredIterations() throws {
        let quality = try #require(QualityString(hex: String(repeating: "ab", count: 32)))
        let cc = try #require(Hash32(hex: String(repeating: "cd", count: 32)))
        #expect(RequiredIterations.compute(quality: quality, ccSPOutputHash: cc, k: 18, difficulty: 1) == 19_810_443_778_164)
        #expect(RequiredIterations.compute(quality: quality, ccSPOutputHash: cc, k: 32, difficulty: 1000, phaseOut: 5)
                == 688_276_010_176)
        // Past 2^64 − 1 (Chia's uint64 would refuse it) the value saturates; it can never win.
        #expect(RequiredIterations.compute(quality: quality, ccSPOutputHash: cc, k: 50, difficulty: .max,
                                           difficultyConstantFactor: .max) == .max)
        // Never below 1.
        #expect(RequiredIterations.compute(quality: quality, ccSPOutputHash: cc, k: 25, difficulty: 3,
                                           difficultyConstantFactor: 1) == 1)
    }

    @Test func phaseOut() {
        let interval = RequiredIterations.spIntervalIters(subSlotIters: 37_748_736_000)
        #expect(interval == 589_824_000)
        #expect(RequiredIterations.phaseOut(spIntervalIters: interval, prevTransactionBlockHeight: 100, hardFork2Height: 100) == 0)
        #expect(RequiredIterations.phaseOut(spIntervalIters: interval, prevTransactionBlockHeight: 1_000_100, hardFork2Height: 100)
                == 58_982_400)
        #expect(RequiredIterations.phaseOut(spIntervalIters: interval, prevTransactionBlockHeight: 20_000_000, hardFork2Height: 100)
                == interval)
    }
}
