import PoSpace

/// `POST /v1/proofs`: the full proof at `index` among a plot's proofs for `challenge`.
struct ProofRequest: Decodable {
    let plotID: PlotID
    let challenge: Challenge
    let index: Int

    init(from decoder: any Decoder) throws {
        let f = try RequestFields(decoder, known: ["plot_id", "challenge", "index"])
        plotID = try f.bytes32("plot_id")
        challenge = try f.bytes32("challenge")
        index = Int(try f.integer("index", in: 0...1_000_000))
    }
}
