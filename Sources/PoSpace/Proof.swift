/// A proof of space: 64 x values of k bits each. In *proof ordering* every adjacent pair at
/// every level is (left, right) of a match, so the verifier can replay tables 1–7 from it.
public struct Proof: Hashable, Sendable {
    /// Plot size.
    public let k: Int
    /// The 64 x values.
    public let xs: [UInt64]

    /// A proof from its 64 x values.
    public init(k: Int, xs: [UInt64]) throws(ProofFormatError) {
        guard Parameters.kRange.contains(k) else { throw .kOutOfRange(k) }
        guard xs.count == Parameters.proofSize else { throw .wrongCount(xs.count) }
        guard xs.allSatisfy({ $0 >> UInt64(k) == 0 }) else { throw .xOutOfRange(k: k) }
        self.k = k
        self.xs = xs
    }

    /// A proof from its serialized form: 64 k-bit values, MSB first, in 8·k bytes.
    public init(k: Int, bytes: [UInt8]) throws(ProofFormatError) {
        guard Parameters.kRange.contains(k) else { throw .kOutOfRange(k) }
        guard bytes.count == Proof.byteCount(k: k) else {
            throw .wrongLength(expected: Proof.byteCount(k: k), actual: bytes.count)
        }
        self.k = k
        xs = BitPacking.unpack(bytes, bitsEach: k, count: Parameters.proofSize)
    }

    /// Serialized size of a proof for plot size k: 64·k bits.
    public static func byteCount(k: Int) -> Int { 8 * k }

    /// The serialized proof.
    public var bytes: [UInt8] { BitPacking.pack(xs, bitsEach: k) }
}

/// Why bytes or values do not form a proof.
public enum ProofFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    case kOutOfRange(Int)
    case wrongLength(expected: Int, actual: Int)
    case wrongCount(Int)
    case xOutOfRange(k: Int)

    public var description: String {
        switch self {
        case .kOutOfRange(let k): "k = \(k) is outside \(Parameters.minK)…\(Parameters.maxK)"
        case .wrongLength(let e, let a): "a proof has \(e) bytes (64 values of k bits), got \(a)"
        case .wrongCount(let n): "a proof has 64 x values, got \(n)"
        case .xOutOfRange(let k): "an x value does not fit in k = \(k) bits"
        }
    }
}
