/// Why a proof was rejected.
public enum VerificationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// k is outside the range the construction allows.
    case kOutOfRange(Int)
    /// The proof is not 8·k bytes long.
    case wrongProofLength(expected: Int, actual: Int)
    /// Entries `2·pair` and `2·pair + 1` of table `table - 1` do not match, so table `table` cannot be formed.
    case noMatch(table: Int, pair: Int)
    /// Everything matched, but the f7 output is not the challenge's first k bits.
    case challengeMismatch

    public var description: String {
        switch self {
        case .kOutOfRange(let k):
            "k = \(k) is outside \(Parameters.minK)…\(Parameters.maxK)"
        case .wrongProofLength(let expected, let actual):
            "proof has \(actual) bytes, expected \(expected) (64 values of k bits)"
        case .noMatch(let table, let pair):
            "no match at table \(table): f\(table - 1) outputs \(2 * pair) and \(2 * pair + 1) do not match"
        case .challengeMismatch:
            "f7 output does not equal the first k bits of the challenge"
        }
    }
}
