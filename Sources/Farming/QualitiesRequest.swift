import PoSpace

/// `POST /v1/qualities`: every plot's qualities for one raw proof-of-space challenge, no filter.
struct QualitiesRequest: Decodable {
    let challenge: Challenge

    init(from decoder: any Decoder) throws {
        challenge = try RequestFields(decoder, known: ["challenge"]).bytes32("challenge")
    }
}
