/// One proof as a line of text, `plot_id, k, challenge, proof, quality` — the format of
/// chiapos's `test_proofs_k21.txt`, written by the prover and read by the verifier.
public struct ProofRecord: Hashable, Sendable {
    public var plotID: PlotID
    public var k: Int
    public var challenge: Challenge
    /// The serialized proof (8·k bytes).
    public var proof: [UInt8]
    /// The quality string the proof should have.
    public var quality: QualityString

    public init(plotID: PlotID, k: Int, challenge: Challenge, proof: [UInt8], quality: QualityString) {
        self.plotID = plotID
        self.k = k
        self.challenge = challenge
        self.proof = proof
        self.quality = quality
    }

    /// Parses one line (fields separated by commas, spaces around them ignored).
    public init(line: some StringProtocol) throws(InputError) {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 5 else {
            throw InputError(field: "line", expected: "5 comma-separated fields (plot_id, k, challenge, proof, quality)",
                             got: "\(fields.count)")
        }
        plotID = try PlotID.parse(fields[0], field: "plot_id")
        k = try Parameters.parseK(fields[1])
        challenge = try Challenge.parse(fields[2], field: "challenge")
        proof = try Proof.parseBytes(fields[3], k: k)
        quality = try QualityString.parse(fields[4], field: "quality")
    }

    /// The record as one line of text.
    public var line: String {
        "\(plotID.hex), \(k), \(challenge.hex), \(Hex.encode(proof)), \(quality.hex)"
    }

    /// What the verifier needs to check this record.
    public var check: ProofCheck { ProofCheck(plotID: plotID, k: k, challenge: challenge, proof: proof) }
}
