/// A 32-byte value such as a plot id, a challenge or a quality string.
public protocol Bytes32Value: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes.
    var bytes: [UInt8] { get }
    /// Wraps exactly 32 bytes; callers check the length first.
    init(uncheckedBytes: [UInt8])
}

extension Bytes32Value {
    /// The value from exactly 32 bytes, or nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.init(uncheckedBytes: bytes)
    }

    /// The value from 64 hex digits, or nil.
    public init?(hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// Lower-case hex of the 32 bytes.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// A plot's 32-byte id: the ChaCha8 key of F1 and the start of every plot filter hash.
public struct PlotID: Bytes32Value {
    public let bytes: [UInt8]
    public init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == 32, "a plot id has 32 bytes")
        bytes = uncheckedBytes
    }
}

/// A 32-byte proof-of-space challenge: its first k bits select f7 outputs, its last
/// five bits select which x pair feeds the quality string.
public struct Challenge: Bytes32Value {
    public let bytes: [UInt8]
    public init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == 32, "a challenge has 32 bytes")
        bytes = uncheckedBytes
    }

    /// Index (0, 2, …, 62) of the first of the two plot-ordered x values hashed into the quality.
    public var qualityIndex: Int { Int(bytes[31] & 0x1F) << 1 }
}

/// The 32-byte quality string of a proof: SHA-256 of the challenge and two adjacent x values.
public struct QualityString: Bytes32Value {
    public let bytes: [UInt8]
    public init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == 32, "a quality string has 32 bytes")
        bytes = uncheckedBytes
    }
}
