import PoSpace
import Testing

@Suite struct MatchingTests {
    /// `isMatch` agrees with the 64 targets of each left position, for both parities,
    /// over every right position of the next bucket (sampled left positions).
    @Test func isMatchAgreesWithTargets() {
        let kBC = Parameters.kBC
        for bucket: UInt64 in [10, 11] {
            for l in stride(from: UInt64(0), to: kBC, by: 97) {
                let targets = Set(Matching.targets(position: l, parity: bucket & 1))
                #expect(targets.count == 64)
                let yL = bucket * kBC + l
                for r in 0..<kBC {
                    let matches = Matching.isMatch(yLeft: yL, yRight: (bucket + 1) * kBC + r)
                    if matches != targets.contains(r) {
                        Issue.record("l=\(l) r=\(r) bucket=\(bucket)")
                        return
                    }
                }
            }
        }
    }

    @Test func onlyTheNextBucketMatches() {
        let kBC = Parameters.kBC
        let yL: UInt64 = 5 * kBC + 77
        let r = Matching.targets(position: 77, parity: 1)[0]
        #expect(Matching.isMatch(yLeft: yL, yRight: 6 * kBC + r))
        #expect(!Matching.isMatch(yLeft: yL, yRight: 5 * kBC + r))
        #expect(!Matching.isMatch(yLeft: yL, yRight: 7 * kBC + r))
        #expect(!Matching.isMatch(yLeft: 6 * kBC + r, yRight: yL))
    }
}
