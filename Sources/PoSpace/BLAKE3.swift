/// BLAKE3 for inputs of at most one block (64 bytes), the only form the f functions need:
/// a single compression of the IV with the chunk-start, chunk-end and root flags.
public enum BLAKE3 {
    @usableFromInline static let iv0: UInt32 = 0x6A09_E667, iv1: UInt32 = 0xBB67_AE85
    @usableFromInline static let iv2: UInt32 = 0x3C6E_F372, iv3: UInt32 = 0xA54F_F53A
    @usableFromInline static let iv4: UInt32 = 0x510E_527F, iv5: UInt32 = 0x9B05_688C
    @usableFromInline static let iv6: UInt32 = 0x1F83_D9AB, iv7: UInt32 = 0x5BE0_CD19
    /// CHUNK_START | CHUNK_END | ROOT.
    @usableFromInline static let singleBlockFlags: UInt32 = 1 | 2 | 8

    /// Hashes the first `length` (≤ 64) bytes of a message held as 16 little-endian words
    /// (bytes past `length` must be zero) and writes the 32-byte digest as 8 little-endian words.
    @inlinable
    public static func hashBlock(_ m: UnsafePointer<UInt32>, length: Int, digest out: UnsafeMutablePointer<UInt32>) {
        var m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7]
        var m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11], m12 = m[12], m13 = m[13], m14 = m[14], m15 = m[15]
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
        for round in 0..<7 {
            g(&v0, &v4, &v8, &v12, m0, m1)
            g(&v1, &v5, &v9, &v13, m2, m3)
            g(&v2, &v6, &v10, &v14, m4, m5)
            g(&v3, &v7, &v11, &v15, m6, m7)
            g(&v0, &v5, &v10, &v15, m8, m9)
            g(&v1, &v6, &v11, &v12, m10, m11)
            g(&v2, &v7, &v8, &v13, m12, m13)
            g(&v3, &v4, &v9, &v14, m14, m15)
            if round < 6 {
                // BLAKE3's message permutation, applied between rounds.
                (m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15) =
                    (m2, m6, m3, m10, m7, m0, m4, m13, m1, m11, m12, m5, m9, m14, m15, m8)
            }
        }
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
