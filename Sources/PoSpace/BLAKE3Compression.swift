/// BLAKE3's compression of one block, the only form the f functions need (inputs of at most
/// 64 bytes, with the chunk-start, chunk-end and root flags), for one hash or eight lanes.
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

    /// One-block hashes, one or eight lanes at once (`Word` is `UInt32` or `Lanes`): word `w` of
    /// a lane's message is lane `i` of `m[w]`, at most `lengths` (≤ 64) bytes, the rest zero; digest
    /// word `w` goes to `out[w]`. Always inlined, so each caller gets code for its own word type.
    @inlinable @inline(__always)
    static func compress<Word: BLAKE3Word>(_ m: UnsafePointer<Word>, lengths: Word, digest out: UnsafeMutablePointer<Word>) {
        compress(m, words: 16, lengths: lengths, digest: out)
    }

    /// Eight lanes of `compress` whose messages' words from `words` on are zero (as in Fx's
    /// inputs, 2-10 words for k ≤ 32): one copy of the compression for each count, in which
    /// those words are not read and their additions fold away.
    @inlinable @inline(__always)
    static func compressLanes(_ m: UnsafePointer<Lanes>, words: Int, lengths: Lanes, digest out: UnsafeMutablePointer<Lanes>) {
        switch words {
        case ...2: compress(m, words: 2, lengths: lengths, digest: out)
        case 3: compress(m, words: 3, lengths: lengths, digest: out)
        case 4: compress(m, words: 4, lengths: lengths, digest: out)
        case 5: compress(m, words: 5, lengths: lengths, digest: out)
        case 6: compress(m, words: 6, lengths: lengths, digest: out)
        case 7: compress(m, words: 7, lengths: lengths, digest: out)
        case 8: compress(m, words: 8, lengths: lengths, digest: out)
        default: compress(m, words: 16, lengths: lengths, digest: out)
        }
    }

    /// `compress` of a message whose words from `words` on are zero: not read, and, where
    /// `words` is a constant, their additions fold away.
    @inlinable @inline(__always)
    static func compress<Word: BLAKE3Word>(_ message: UnsafePointer<Word>, words: Int, lengths: Word, digest out: UnsafeMutablePointer<Word>) {
        let zero = Word(broadcasting: 0)
        @inline(__always) func m(_ i: Int) -> Word { i < words ? message[i] : zero }
        var v0 = Word(broadcasting: iv0), v1 = Word(broadcasting: iv1), v2 = Word(broadcasting: iv2), v3 = Word(broadcasting: iv3)
        var v4 = Word(broadcasting: iv4), v5 = Word(broadcasting: iv5), v6 = Word(broadcasting: iv6), v7 = Word(broadcasting: iv7)
        var v8 = Word(broadcasting: iv0), v9 = Word(broadcasting: iv1), v10 = Word(broadcasting: iv2), v11 = Word(broadcasting: iv3)
        var v12 = Word(broadcasting: 0), v13 = Word(broadcasting: 0), v14 = lengths, v15 = Word(broadcasting: singleBlockFlags)

        @inline(__always) func g(_ a: inout Word, _ b: inout Word, _ c: inout Word, _ d: inout Word, _ x: Word, _ y: Word) {
            a = a &+ b &+ x; d = (d ^ a).rotatedRight(16)
            c = c &+ d; b = (b ^ c).rotatedRight(12)
            a = a &+ b &+ y; d = (d ^ a).rotatedRight(8)
            c = c &+ d; b = (b ^ c).rotatedRight(7)
        }
        @inline(__always) func round(_ m0: Word, _ m1: Word, _ m2: Word, _ m3: Word,
                                     _ m4: Word, _ m5: Word, _ m6: Word, _ m7: Word,
                                     _ m8: Word, _ m9: Word, _ m10: Word, _ m11: Word,
                                     _ m12: Word, _ m13: Word, _ m14: Word, _ m15: Word) {
            g(&v0, &v4, &v8, &v12, m0, m1)
            g(&v1, &v5, &v9, &v13, m2, m3)
            g(&v2, &v6, &v10, &v14, m4, m5)
            g(&v3, &v7, &v11, &v15, m6, m7)
            g(&v0, &v5, &v10, &v15, m8, m9)
            g(&v1, &v6, &v11, &v12, m10, m11)
            g(&v2, &v7, &v8, &v13, m12, m13)
            g(&v3, &v4, &v9, &v14, m14, m15)
        }
        // Seven rounds, fully unrolled: round r reads the message through BLAKE3's permutation
        // applied r times, so no words move at run time.
        round(m(0), m(1), m(2), m(3), m(4), m(5), m(6), m(7), m(8), m(9), m(10), m(11), m(12), m(13), m(14), m(15))
        round(m(2), m(6), m(3), m(10), m(7), m(0), m(4), m(13), m(1), m(11), m(12), m(5), m(9), m(14), m(15), m(8))
        round(m(3), m(4), m(10), m(12), m(13), m(2), m(7), m(14), m(6), m(5), m(9), m(0), m(11), m(15), m(8), m(1))
        round(m(10), m(7), m(12), m(9), m(14), m(3), m(13), m(15), m(4), m(0), m(11), m(2), m(5), m(8), m(1), m(6))
        round(m(12), m(13), m(9), m(11), m(15), m(10), m(14), m(8), m(7), m(2), m(5), m(3), m(0), m(1), m(6), m(4))
        round(m(9), m(14), m(11), m(5), m(8), m(12), m(15), m(1), m(13), m(3), m(0), m(10), m(2), m(6), m(4), m(7))
        round(m(11), m(15), m(5), m(0), m(1), m(9), m(8), m(6), m(14), m(10), m(2), m(12), m(3), m(4), m(7), m(13))
        out[0] = v0 ^ v8; out[1] = v1 ^ v9; out[2] = v2 ^ v10; out[3] = v3 ^ v11
        out[4] = v4 ^ v12; out[5] = v5 ^ v13; out[6] = v6 ^ v14; out[7] = v7 ^ v15
    }
}

/// A word of BLAKE3's state: one 32-bit word, or eight lanes of them.
@usableFromInline
protocol BLAKE3Word {
    init(broadcasting word: UInt32)
    static func &+ (a: Self, b: Self) -> Self
    static func ^ (a: Self, b: Self) -> Self
    func rotatedRight(_ n: UInt32) -> Self
}

extension UInt32: BLAKE3Word {
    @inlinable @inline(__always) init(broadcasting word: UInt32) { self = word }
    @inlinable @inline(__always) func rotatedRight(_ n: UInt32) -> UInt32 { self &>> n | self &<< (32 - n) }
}

extension SIMD8: BLAKE3Word where Scalar == UInt32 {
    @inlinable @inline(__always) init(broadcasting word: UInt32) { self.init(repeating: word) }
    @inlinable @inline(__always) func rotatedRight(_ n: UInt32) -> SIMD8<UInt32> { self &>> n | self &<< (32 - n) }
}
