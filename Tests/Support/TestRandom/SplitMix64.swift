/// A small seedable generator (SplitMix64) shared by the test targets, so test data is the
/// same on every run.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (the tiny modulo bias does not matter in tests).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// The low `count` bits of the next value.
    public mutating func bits(_ count: Int) -> UInt64 { count == 64 ? next() : next() & ((1 << UInt64(count)) - 1) }
}
