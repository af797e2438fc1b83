import Crypto

/// Chia's plot filter for a signage point, as chia-blockchain applies it.
///
/// The filter input is SHA-256(plot_id ‖ challenge_hash ‖ sp_hash). A plot takes part in a
/// signage point only when the first `bits` bits of that hash are zero, and the proof-of-space
/// challenge it then answers is SHA-256 of the filter input.
public struct PlotFilter: Hashable, Sendable {
    /// SHA-256(plot_id ‖ challenge_hash ‖ sp_hash).
    public let input: Hash32

    public init(plotID: PlotID, challengeHash: Hash32, spHash: Hash32) {
        var hasher = SHA256()
        hasher.update(data: plotID.bytes)
        hasher.update(data: challengeHash.bytes)
        hasher.update(data: spHash.bytes)
        input = Hash32(uncheckedBytes: Array(hasher.finalize()))
    }

    /// Whether the first `bits` bits of the filter input are zero (every plot passes at 0 bits).
    public func passes(bits: Int) -> Bool {
        precondition(bits >= 0 && bits <= 256, "filter bits range from 0 to 256")
        let bytes = input.bytes
        let whole = bits / 8
        for i in 0..<whole where bytes[i] != 0 { return false }
        let rest = bits % 8
        return rest == 0 || bytes[whole] >> (8 - rest) == 0
    }

    /// The proof-of-space challenge for the plot: SHA-256 of the filter input.
    public var challenge: Challenge {
        Challenge(uncheckedBytes: Array(SHA256.hash(data: input.bytes)))
    }
}
