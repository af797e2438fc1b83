import HashLanes

/// BLAKE3 for inputs of at most one block (64 bytes), the only form the f functions need:
/// a single compression of the IV with the chunk-start, chunk-end and root flags.
public enum BLAKE3 {
    @usableFromInline static var iv0: UInt32 { BLAKE3Compression.iv0 }
    @usableFromInline static var iv1: UInt32 { BLAKE3Compression.iv1 }
    @usableFromInline static var iv2: UInt32 { BLAKE3Compression.iv2 }
    @usableFromInline static var iv3: UInt32 { BLAKE3Compression.iv3 }
    @usableFromInline static var iv4: UInt32 { BLAKE3Compression.iv4 }
    @usableFromInline static var iv5: UInt32 { BLAKE3Compression.iv5 }
    @usableFromInline static var iv6: UInt32 { BLAKE3Compression.iv6 }
    @usableFromInline static var iv7: UInt32 { BLAKE3Compression.iv7 }
    @usableFromInline static var singleBlockFlags: UInt32 { BLAKE3Compression.singleBlockFlags }

    /// Hashes the first `length` (≤ 64) bytes of a message held as 16 little-endian words
    /// (bytes past `length` must be zero) and writes the 32-byte digest as 8 little-endian words.
    @inlinable
    public static func hashBlock(_ m: UnsafePointer<UInt32>, length: Int, digest out: UnsafeMutablePointer<UInt32>) {
        var v0 = iv0, v1 = iv1, v2 = iv2, v3 = iv3, v4 = iv4, v5 = iv5, v6 = iv6, v7 = iv7
        var v8 = iv0, v9 = iv1, v10 = iv2, v11 = iv3
        var v12: UInt32 = 0, v13: UInt32 = 0, v14 = UInt32(length), v15 = singleBlockFlags

        @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
        @inline(__always) func g(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32, _ x: UInt32, _ y: UInt32) {
            a = a &+ b &+ x; d = rotr(d ^ a, 16)
            c &+= d; b = rotr(b ^ c, 12)
            a = a &+ b &+ y; d = rotr(d ^ a, 8)
            c &+= d; b = rotr(b ^ c, 7)
        }
        @inline(__always) func round(_ m0: UInt32, _ m1: UInt32, _ m2: UInt32, _ m3: UInt32,
                                     _ m4: UInt32, _ m5: UInt32, _ m6: UInt32, _ m7: UInt32,
                                     _ m8: UInt32, _ m9: UInt32, _ m10: UInt32, _ m11: UInt32,
                                     _ m12: UInt32, _ m13: UInt32, _ m14: UInt32, _ m15: UInt32) {
            g(&v0, &v4, &v8, &v12, m0, m1)
            g(&v1, &v5, &v9, &v13, m2, m3)
            g(&v2, &v6, &v10, &v14, m4, m5)
            g(&v3, &v7, &v11, &v15, m6, m7)
            g(&v0, &v5, &v10, &v15, m8, m9)
            g(&v1, &v6, &v11, &v12, m10, m11)
            g(&v2, &v7, &v8, &v13, m12, m13)
            g(&v3, &v4, &v9, &v14, m14, m15)
        }
        // Seven rounds, fully unrolled: round r reads the message through BLAKE3's
        // permutation applied r times, so no words move at run time.
        round(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15])
        round(m[2], m[6], m[3], m[10], m[7], m[0], m[4], m[13], m[1], m[11], m[12], m[5], m[9], m[14], m[15], m[8])
        round(m[3], m[4], m[10], m[12], m[13], m[2], m[7], m[14], m[6], m[5], m[9], m[0], m[11], m[15], m[8], m[1])
        round(m[10], m[7], m[12], m[9], m[14], m[3], m[13], m[15], m[4], m[0], m[11], m[2], m[5], m[8], m[1], m[6])
        round(m[12], m[13], m[9], m[11], m[15], m[10], m[14], m[8], m[7], m[2], m[5], m[3], m[0], m[1], m[6], m[4])
        round(m[9], m[14], m[11], m[5], m[8], m[12], m[15], m[1], m[13], m[3], m[0], m[10], m[2], m[6], m[4], m[7])
        round(m[11], m[15], m[5], m[0], m[1], m[9], m[8], m[6], m[14], m[10], m[2], m[12], m[3], m[4], m[7], m[13])
        out[0] = v0 ^ v8; out[1] = v1 ^ v9; out[2] = v2 ^ v10; out[3] = v3 ^ v11
        out[4] = v4 ^ v12; out[5] = v5 ^ v13; out[6] = v6 ^ v14; out[7] = v7 ^ v15
    }

    /// The 32-byte BLAKE3 digest of at most 64 bytes.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        precondition(message.count <= 64, "one-block BLAKE3 takes at most 64 bytes")
        var words = [UInt32](repeating: 0, count: 16)
        for (i, b) in message.enumerated() { words[i >> 2] |= UInt32(b) << UInt32(8 * (i & 3)) }
        var digest = [UInt32](repeating: 0, count: 8)
        words.withUnsafeBufferPointer { m in
            digest.withUnsafeMutableBufferPointer { hashBlock(m.baseAddress!, length: message.count, digest: $0.baseAddress!) }
        }
        return (0..<32).map { UInt8(truncatingIfNeeded: digest[$0 >> 2] >> UInt32(8 * ($0 & 3))) }
    }
}

extension BLAKE3 {
    /// Lanes hashed together by `hashBlocks`.
    public typealias Lanes = SIMD8<UInt32>

    /// Eight independent one-block hashes at once: word `w` of lane `i`'s message is
    /// `m[w][i]`; digest word `w` of lane `i` goes to `out[w][i]`. Same rules as `hashBlock`.
    /// AVX-512's copy where the CPU has it, else the build's own.
    @inlinable
    public static func hashBlocks(_ m: UnsafePointer<Lanes>, lengths: Lanes, digest out: UnsafeMutablePointer<Lanes>) {
        if WideVectors.available {
            BLAKE3Wide.compress(m, lengths: lengths, digest: out)
        } else {
            BLAKE3Compression.eightLanes(m, lengths: lengths, digest: out)
        }
    }
}
