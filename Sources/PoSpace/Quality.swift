import Crypto

extension QualityString {
    /// The quality of a proof: SHA-256 of the challenge followed by the two plot-ordered
    /// x values at the challenge's quality index, packed as 2·k bits.
    public init(challenge: Challenge, k: Int, plotOrderedXs xs: UnsafePointer<UInt64>) {
        let i = challenge.qualityIndex
        var hasher = SHA256()
        hasher.update(data: challenge.bytes)
        hasher.update(data: BitPacking.pack([xs[i], xs[i + 1]], bitsEach: k))
        self.init(uncheckedBytes: Array(hasher.finalize()))
    }

    /// The quality of a proof given in plot ordering.
    public init(challenge: Challenge, k: Int, plotOrderedXs xs: [UInt64]) {
        precondition(xs.count == Parameters.proofSize, "a proof has 64 x values")
        self = xs.withUnsafeBufferPointer { QualityString(challenge: challenge, k: k, plotOrderedXs: $0.baseAddress!) }
    }
}
