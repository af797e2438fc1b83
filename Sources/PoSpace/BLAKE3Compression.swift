/// BLAKE3's compression of one block, the only form the f functions need (inputs of at most
/// 64 bytes, with the chunk-start, chunk-end and root flags), eight independent lanes at once.
///
/// This file is compiled into two modules: PoSpace, for the build's target CPU (AVX2 by
/// default), and HashLanes (a link to it), for AVX-512, where rotates are one instruction and
/// 32 vector registers hold the whole state. Everything here is internal to each module, so the
/// two builds never share a symbol (the linker keeps one of equal symbols, which could be the
/// one built for another CPU).
@usableFromInline
enum BLAKE3Compression {
    @usableFromInline typealias Lanes = SIMD8<UInt32>

    @usableFromInline static let iv0: UInt32 = 0x6A09_E667, iv1: UInt32 = 0xBB67_AE85
    @usableFromInline static let iv2: UInt32 = 0x3C6E_F372, iv3: UInt32 = 0xA54F_F53A
    @usableFromInline static let iv4: UInt32 = 0x510E_527F, iv5: UInt32 = 0x9B05_688C
    @usableFromInline static let iv6: UInt32 = 0x1F83_D9AB, iv7: UInt32 = 0x5BE0_CD19
    /// CHUNK_START | CHUNK_END | ROOT.
    @usableFromInline static let singleBlockFlags: UInt32 = 1 | 2 | 8

    /// Eight independent one-block hashes: word `w` of lane `i`'s message is `m[w][i]`, at most
    /// `lengths[i]` (≤ 64) bytes, the rest zero; digest word `w` of lane `i` goes to `out[w][i]`.
    @inlinable @inline(__always)
    static func eightLanes(_ m: UnsafePointer<Lanes>, lengths: Lanes, digest out: UnsafeMutablePointer<Lanes>) {
        var v0 = Lanes(repeating: iv0), v1 = Lanes(repeating: iv1), v2 = Lanes(repeating: iv2), v3 = Lanes(repeating: iv3)
        var v4 = Lanes(repeating: iv4), v5 = Lanes(repeating: iv5), v6 = Lanes(repeating: iv6), v7 = Lanes(repeating: iv7)
        var v8 = Lanes(repeating: iv0), v9 = Lanes(repeating: iv1), v10 = Lanes(repeating: iv2), v11 = Lanes(repeating: iv3)
        var v12 = Lanes(repeating: 0), v13 = Lanes(repeating: 0), v14 = lengths, v15 = Lanes(repeating: singleBlockFlags)

        @inline(__always) func rotr(_ x: Lanes, _ n: UInt32) -> Lanes { x &>> n | x &<< (32 - n) }
        @inline(__always) func g(_ a: inout Lanes, _ b: inout Lanes, _ c: inout Lanes, _ d: inout Lanes, _ x: Lanes, _ y: Lanes) {
            a = a &+ b &+ x; d = rotr(d ^ a, 16)
            c &+= d; b = rotr(b ^ c, 12)
            a = a &+ b &+ y; d = rotr(d ^ a, 8)
            c &+= d; b = rotr(b ^ c, 7)
        }
        @inline(__always) func round(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes,
                                     _ m4: Lanes, _ m5: Lanes, _ m6: Lanes, _ m7: Lanes,
                                     _ m8: Lanes, _ m9: Lanes, _ m10: Lanes, _ m11: Lanes,
                                     _ m12: Lanes, _ m13: Lanes, _ m14: Lanes, _ m15: Lanes) {
            g(&v0, &v4, &v8, &v12, m0, m1)
            g(&v1, &v5, &v9, &v13, m2, m3)
            g(&v2, &v6, &v10, &v14, m4, m5)
            g(&v3, &v7, &v11, &v15, m6, m7)
            g(&v0, &v5, &v10, &v15, m8, m9)
            g(&v1, &v6, &v11, &v12, m10, m11)
            g(&v2, &v7, &v8, &v13, m12, m13)
            g(&v3, &v4, &v9, &v14, m14, m15)
        }
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
}
