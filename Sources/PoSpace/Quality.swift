import Crypto

extension QualityString {
    /// The quality of a proof: SHA-256 of the challenge followed by the two plot-ordered
    /// x values at the challenge's quality index, packed as 2·k bits.
    public init(challenge: Challenge, k: Int, plotOrderedXs xs: UnsafePointer<UInt64>) {
        self.init(challenge: challenge, k: k, pairAt: xs + challenge.qualityIndex)
    }

    /// The quality from the two plot-ordered x values the challenge selects (as a prover finds them
    /// without expanding the whole proof): `pair[0]` the smaller, `pair[1]` the larger.
    public init(challenge: Challenge, k: Int, pairAt pair: UnsafePointer<UInt64>) {
        var hasher = SHA256()
        hasher.update(data: challenge.bytes)
        hasher.update(data: BitPacking.pack([pair[0], pair[1]], bitsEach: k))
        self.init(uncheckedBytes: Array(hasher.finalize()))
    }

    /// The quality of a proof given in plot ordering.
    public init(challenge: Challenge, k: Int, plotOrderedXs xs: [UInt64]) {
        precondition(xs.count == Parameters.proofSize, "a proof has 64 x values")
        self = xs.withUnsafeBufferPointer { QualityString(challenge: challenge, k: k, plotOrderedXs: $0.baseAddress!) }
    }
}
