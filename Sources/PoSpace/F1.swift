/// The first f function: `f1(x)` is the k bits of the ChaCha8 keystream at bit `x·k`,
/// followed by the top `extraBits` bits of x. The cipher key is `0x01 ‖ plotID[0..<31]`.
public struct F1: Sendable {
    /// Plot size.
    public let k: Int
    @usableFromInline let cipher: ChaCha8

    public init(k: Int, plotID: PlotID) {
        precondition((Parameters.extraBits...Parameters.maxK).contains(k), "f functions take k in 6...50")
        self.k = k
        cipher = ChaCha8(key: [1] + plotID.bytes.prefix(31))
    }

    /// f1(x), a (k + 6)-bit value. `x` must be below 2^k.
    @inlinable
    public func callAsFunction(_ x: UInt64) -> UInt64 {
        let bitPosition = x &* UInt64(k)
        let counter = bitPosition >> 9
        let offset = Int(bitPosition & 511)
        let spansTwoBlocks = offset + k > 512
        let bits = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 16) { buffer -> UInt64 in
            let words = buffer.baseAddress!
            cipher.block(counter: counter, into: words)
            if spansTwoBlocks { cipher.block(counter: counter &+ 1, into: words + 8) }
            return BitPacking.read(words: words, bitOffset: offset, count: k)
        }
        return bits << UInt64(Parameters.extraBits) | x >> UInt64(k - Parameters.extraBits)
    }
}
