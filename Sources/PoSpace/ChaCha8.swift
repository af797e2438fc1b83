/// The ChaCha stream cipher with 8 rounds, 256-bit key and a zero nonce: the keystream F1 reads.
///
/// Block `n` of the keystream is the cipher state with the 64-bit block counter set to `n`
/// (words 12 and 13); there is no plaintext, so the keystream itself is the output.
public struct ChaCha8: Sendable {
    @usableFromInline let k0, k1, k2, k3, k4, k5, k6, k7: UInt32

    /// A cipher keyed by 32 bytes (read as eight little-endian words).
    public init(key: [UInt8]) {
        precondition(key.count == 32, "ChaCha8 takes a 32-byte key")
        func word(_ i: Int) -> UInt32 {
            UInt32(key[4 * i]) | UInt32(key[4 * i + 1]) << 8 | UInt32(key[4 * i + 2]) << 16 | UInt32(key[4 * i + 3]) << 24
        }
        (k0, k1, k2, k3, k4, k5, k6, k7) = (word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7))
    }

    /// Writes keystream block `counter` as eight 64-bit words holding its 64 bytes in order,
    /// most significant byte first, so bit `i` of the keystream is bit `63 - i % 64` of word `i / 64`.
    @inlinable
    public func block(counter: UInt64, into out: UnsafeMutablePointer<UInt64>) {
        // "expand 32-byte k"
        let c0: UInt32 = 0x6170_7865, c1: UInt32 = 0x3320_646E, c2: UInt32 = 0x7962_2D32, c3: UInt32 = 0x6B20_6574
        let n0 = UInt32(truncatingIfNeeded: counter), n1 = UInt32(truncatingIfNeeded: counter >> 32)
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var x4 = k0, x5 = k1, x6 = k2, x7 = k3
        var x8 = k4, x9 = k5, x10 = k6, x11 = k7
        var x12 = n0, x13 = n1, x14: UInt32 = 0, x15: UInt32 = 0

        @inline(__always) func rotl(_ v: UInt32, _ n: UInt32) -> UInt32 { v << n | v >> (32 - n) }
        @inline(__always) func quarter(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32) {
            a &+= b; d = rotl(d ^ a, 16)
            c &+= d; b = rotl(b ^ c, 12)
            a &+= b; d = rotl(d ^ a, 8)
            c &+= d; b = rotl(b ^ c, 7)
        }
        for _ in 0..<4 {
            quarter(&x0, &x4, &x8, &x12)
            quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14)
            quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15)
            quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13)
            quarter(&x3, &x4, &x9, &x14)
        }
        // Little-endian words to big-endian byte order: byte-swap each word, pair them up.
        @inline(__always) func pair(_ a: UInt32, _ b: UInt32) -> UInt64 {
            UInt64(a.byteSwapped) << 32 | UInt64(b.byteSwapped)
        }
        out[0] = pair(x0 &+ c0, x1 &+ c1)
        out[1] = pair(x2 &+ c2, x3 &+ c3)
        out[2] = pair(x4 &+ k0, x5 &+ k1)
        out[3] = pair(x6 &+ k2, x7 &+ k3)
        out[4] = pair(x8 &+ k4, x9 &+ k5)
        out[5] = pair(x10 &+ k6, x11 &+ k7)
        out[6] = pair(x12 &+ n0, x13 &+ n1)
        out[7] = pair(x14, x15)
    }

    /// Keystream block `counter` as 64 bytes.
    public func blockBytes(counter: UInt64) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { words in
            block(counter: counter, into: words.baseAddress!)
            return (0..<64).map { UInt8(truncatingIfNeeded: words[$0 >> 3] >> UInt64(56 - 8 * ($0 & 7))) }
        }
    }
}

extension ChaCha8 {
    /// Lanes computed together by `blocks`.
    public typealias Lanes = SIMD8<UInt32>

    /// Eight keystream blocks at once, for the counters `low | high << 32` of each lane:
    /// little-endian word `w` of lane `i`'s block goes to `out[w][i]`.
    @inlinable
    public func blocks(counterLow n0: Lanes, counterHigh n1: Lanes, into out: UnsafeMutablePointer<Lanes>) {
        let c0 = Lanes(repeating: 0x6170_7865), c1 = Lanes(repeating: 0x3320_646E)
        let c2 = Lanes(repeating: 0x7962_2D32), c3 = Lanes(repeating: 0x6B20_6574)
        let key = (Lanes(repeating: k0), Lanes(repeating: k1), Lanes(repeating: k2), Lanes(repeating: k3),
                   Lanes(repeating: k4), Lanes(repeating: k5), Lanes(repeating: k6), Lanes(repeating: k7))
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var x4 = key.0, x5 = key.1, x6 = key.2, x7 = key.3
        var x8 = key.4, x9 = key.5, x10 = key.6, x11 = key.7
        var x12 = n0, x13 = n1, x14 = Lanes(repeating: 0), x15 = Lanes(repeating: 0)

        @inline(__always) func rotl(_ v: Lanes, _ n: UInt32) -> Lanes { v &<< n | v &>> (32 - n) }
        @inline(__always) func quarter(_ a: inout Lanes, _ b: inout Lanes, _ c: inout Lanes, _ d: inout Lanes) {
            a &+= b; d = rotl(d ^ a, 16)
            c &+= d; b = rotl(b ^ c, 12)
            a &+= b; d = rotl(d ^ a, 8)
            c &+= d; b = rotl(b ^ c, 7)
        }
        for _ in 0..<4 {
            quarter(&x0, &x4, &x8, &x12)
            quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14)
            quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15)
            quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13)
            quarter(&x3, &x4, &x9, &x14)
        }
        out[0] = x0 &+ c0; out[1] = x1 &+ c1; out[2] = x2 &+ c2; out[3] = x3 &+ c3
        out[4] = x4 &+ key.0; out[5] = x5 &+ key.1; out[6] = x6 &+ key.2; out[7] = x7 &+ key.3
        out[8] = x8 &+ key.4; out[9] = x9 &+ key.5; out[10] = x10 &+ key.6; out[11] = x11 &+ key.7
        out[12] = x12 &+ n0; out[13] = x13 &+ n1; out[14] = x14; out[15] = x15
    }
}
