/// The AVX-512 build of BLAKE3's eight-lane compression (this module's target CPU is
/// skylake-avx512, unless the build is generic). Call it only where the CPU runs AVX-512:
/// PoSpace's `WideVectors.available` says.
public enum BLAKE3Wide {
    @inline(never)
    public static func compress(_ m: UnsafePointer<SIMD8<UInt32>>, lengths: SIMD8<UInt32>, digest out: UnsafeMutablePointer<SIMD8<UInt32>>) {
        BLAKE3Compression.compress(m, lengths: lengths, digest: out)
    }

    /// `compress` of messages whose words from `words` on are zero (`BLAKE3Compression`).
    @inline(never)
    public static func compress(_ m: UnsafePointer<SIMD8<UInt32>>, words: Int, lengths: SIMD8<UInt32>, digest out: UnsafeMutablePointer<SIMD8<UInt32>>) {
        BLAKE3Compression.compressLanes(m, words: words, lengths: lengths, digest: out)
    }
}
