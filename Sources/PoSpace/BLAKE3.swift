import HashLanes

/// BLAKE3 for inputs of at most one block (64 bytes), the only form the f functions need:
/// a single compression of the IV with the chunk-start, chunk-end and root flags.
public enum BLAKE3 {
    /// Hashes the first `length` (≤ 64) bytes of a message held as 16 little-endian words
    /// (bytes past `length` must be zero) and writes the 32-byte digest as 8 little-endian words.
    @inlinable
    public static func hashBlock(_ m: UnsafePointer<UInt32>, length: Int, digest out: UnsafeMutablePointer<UInt32>) {
        BLAKE3Compression.compress(m, lengths: UInt32(length), digest: out)
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
            BLAKE3Compression.compress(m, lengths: lengths, digest: out)
        }
    }

    /// `hashBlocks` of messages whose words from `words` on are zero (all lanes' lengths at most
    /// 4·`words` bytes): those words are never read, and the work on them is left out.
    @inlinable
    public static func hashBlocks(_ m: UnsafePointer<Lanes>, words: Int, lengths: Lanes, digest out: UnsafeMutablePointer<Lanes>) {
        if WideVectors.available {
            BLAKE3Wide.compress(m, words: words, lengths: lengths, digest: out)
        } else {
            compressLanes(m, words: words, lengths: lengths, digest: out)
        }
    }

    /// The build's own copies of `BLAKE3Compression.compressLanes`, out of line: inlined, its
    /// nine compressions would fill the caller.
    @usableFromInline @inline(never)
    static func compressLanes(_ m: UnsafePointer<Lanes>, words: Int, lengths: Lanes, digest out: UnsafeMutablePointer<Lanes>) {
        BLAKE3Compression.compressLanes(m, words: words, lengths: lengths, digest: out)
    }
}
