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

extension F1 {
    /// f1 of `count` x values: `ys[i] = f1(xs[i])`. Uses eight cipher lanes at a time when
    /// the build targets a CPU with vector shifts (`DAYLIGHT_VECTOR_LANES`), else one x at a time.
    @inlinable
    public func evaluate(_ xs: UnsafePointer<UInt64>, count: Int, into ys: UnsafeMutablePointer<UInt64>) {
        #if DAYLIGHT_VECTOR_LANES
        evaluateLanes(xs, count: count, into: ys)
        #else
        for i in 0..<count { ys[i] = self(xs[i]) }
        #endif
    }

    /// The eight-lane form of `evaluate`: each lane computes the block holding its x's bits
    /// and the block after it (needed when the k bits straddle two blocks).
    @inlinable
    public func evaluateLanes(_ xs: UnsafePointer<UInt64>, count: Int, into ys: UnsafeMutablePointer<UInt64>) {
        typealias Lanes = ChaCha8.Lanes
        let k = UInt64(self.k)
        let extra = UInt64(Parameters.extraBits)
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 32) { buffer in
            let blocks = buffer.baseAddress!
            blocks.initialize(repeating: Lanes(), count: 32)
            // Word w (0..<32, the second block after the first) of lane i.
            let words = UnsafeRawPointer(blocks).assumingMemoryBound(to: UInt32.self)
            var start = 0
            while start < count {
                let n = Swift.min(8, count - start)
                var low = Lanes(), high = Lanes(), spans = false
                for lane in 0..<n {
                    let bit = xs[start + lane] &* k
                    let counter = bit >> 9
                    low[lane] = UInt32(truncatingIfNeeded: counter)
                    high[lane] = UInt32(truncatingIfNeeded: counter >> 32)
                    spans = spans || (bit & 511) + k > 512
                }
                cipher.blocks(counterLow: low, counterHigh: high, into: blocks)
                if spans {
                    let next = low &+ 1
                    let carry = Lanes(repeating: 0).replacing(with: 1, where: next .== 0)
                    cipher.blocks(counterLow: next, counterHigh: high &+ carry, into: blocks + 16)
                }
                for lane in 0..<n {
                    let x = xs[start + lane]
                    let offset = Int((x &* k) & 511)
                    let w = offset >> 5, shift = UInt64(offset & 31)
                    @inline(__always) func be(_ i: Int) -> UInt64 { UInt64(words[i * 8 + lane].byteSwapped) }
                    var bits = (be(w) << 32 | be(w + 1)) << shift
                    if shift != 0 { bits |= be(w + 2) >> (32 - shift) }
                    ys[start + lane] = (bits >> (64 - k)) << extra | x >> (k - extra)
                }
                start += n
            }
        }
    }
}

extension F1 {
    /// f1 for the consecutive x values `start ..< start + count`: the keystream is generated
    /// block after block (eight blocks per call) and cut into k-bit pieces, so each block is
    /// computed once however many x values share it.
    public func evaluateRange(start: UInt64, count: Int, into ys: UnsafeMutablePointer<UInt64>) {
        guard count > 0 else { return }
        let k = UInt64(self.k)
        let extra = UInt64(Parameters.extraBits)
        let firstBit = start &* k
        let firstBlock = firstBit >> 9
        let lastBlock = (firstBit + UInt64(count) * k - 1) >> 9
        let blockCount = Int(lastBlock - firstBlock + 1)
        let groups = (blockCount + 7) / 8
        // The keystream as big-endian 64-bit words (8 per block), plus one spare word for reads at the end.
        let stream = UnsafeMutablePointer<UInt64>.allocate(capacity: groups * 64 + 1)
        defer { stream.deallocate() }
        stream[groups * 64] = 0
        withUnsafeTemporaryAllocation(of: ChaCha8.Lanes.self, capacity: 16) { buffer in
            let lanes = buffer.baseAddress!
            for g in 0..<groups {
                let base = firstBlock + UInt64(8 * g)
                var low = ChaCha8.Lanes(), high = ChaCha8.Lanes()
                for lane in 0..<8 {
                    low[lane] = UInt32(truncatingIfNeeded: base + UInt64(lane))
                    high[lane] = UInt32(truncatingIfNeeded: (base + UInt64(lane)) >> 32)
                }
                #if DAYLIGHT_VECTOR_LANES
                cipher.blocks(counterLow: low, counterHigh: high, into: lanes)
                let words = UnsafeRawPointer(lanes).assumingMemoryBound(to: UInt32.self)
                for lane in 0..<8 {
                    let out = stream + (8 * g + lane) * 8
                    for w in 0..<8 {
                        out[w] = UInt64(words[(2 * w) * 8 + lane].byteSwapped) << 32
                            | UInt64(words[(2 * w + 1) * 8 + lane].byteSwapped)
                    }
                }
                #else
                for lane in 0..<8 { cipher.block(counter: base + UInt64(lane), into: stream + (8 * g + lane) * 8) }
                #endif
            }
        }
        var bit = Int(firstBit & 511)
        for i in 0..<count {
            let x = start + UInt64(i)
            ys[i] = BitPacking.read(words: stream, bitOffset: bit, count: Int(k)) << extra | x >> (k - extra)
            bit += Int(k)
        }
    }
}
