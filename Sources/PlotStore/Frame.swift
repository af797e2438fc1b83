/// One frame of a stored value, and how much effort zstd should spend on it.
public struct Frame: Sendable {
    public var bytes: [UInt8]
    /// Nearly random bytes (bit-packed stubs, say) that zstd stores almost as they are at any
    /// level: they are compressed at `Zstd.fastLevel`, which reaches the same size in a fraction
    /// of the time. Other frames get the writer's level.
    public var isNearlyRandom: Bool

    public init(_ bytes: [UInt8], isNearlyRandom: Bool = false) {
        self.bytes = bytes
        self.isNearlyRandom = isNearlyRandom
    }
}
