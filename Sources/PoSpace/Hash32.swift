/// A 32-byte hash from the chain, such as a challenge chain hash, a signage point hash or a
/// challenge-chain signage-point output hash.
public struct Hash32: Bytes32Value {
    public let bytes: [UInt8]
    public init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == 32, "a hash has 32 bytes")
        bytes = uncheckedBytes
    }
}
