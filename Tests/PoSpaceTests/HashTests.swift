import Foundation
import HashLanes
@testable import PoSpace
import Testing
import TestRandom

@Suite struct HashTests {
    /// Official BLAKE3 test vectors (input byte i is i mod 251), one-block lengths.
    @Test(arguments: [
        (0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
        (1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"),
        (7, "3f8770f387faad08faa9d8414e9f449ac68e6ff0417f673f602a646a891419fe"),
        (8, "2351207d04fc16ade43ccab08600939c7c1fa70a5c0aaca76063d04c3228eaeb"),
        (31, "bda80c7fe2db38be6387b35c870bd7728d67b7b6cc5eb9b0e5c7dcb21ea754c2"),
        (32, "e528e95798037df410543d9f31e396ecdd458d71b157d6014398bae32fb56c65"),
        (55, "d04ec5f6f5e7daf5ced7a1671fbe912580a56576c8bf6a2ed4b80e35548f9c13"),
        (63, "e9bc37a594daad83be9470df7f7b3798297c3d834ce80ba85d6e207627b7db7b"),
        (64, "4eed7141ea4a5cd4b788606bd23f46e212af9cacebacdc7d1f4c6dc7f2511b98"),
    ])
    func blake3OneBlock(length: Int, digest: String) {
        let message = (0..<length).map { UInt8($0 % 251) }
        #expect(Hex.encode(BLAKE3.hash(message)) == digest)
    }

    /// The eight-lane compression, as the build's CPU runs it and as the AVX-512 build does, gives
    /// every lane the one-block hash of its own message, for every length up to a block, also
    /// when told that the words past the longest message are zero.
    @Test func blake3LanesMatchTheOneBlockHash() throws {
        var random = SplitMix64(seed: 3)
        for first in stride(from: 0, through: 64, by: 8) {
            let lengths = (0..<8).map { min(64, first + $0) }
            let messages = lengths.map { n in (0..<n).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            var words = [SIMD8<UInt32>](repeating: SIMD8(), count: 16)
            for (lane, message) in messages.enumerated() {
                for (i, byte) in message.enumerated() { words[i >> 2][lane] |= UInt32(byte) << UInt32(8 * (i & 3)) }
            }
            let laneLengths = SIMD8<UInt32>(lengths.map { UInt32($0) })
            func digests(_ compress: (UnsafePointer<SIMD8<UInt32>>, SIMD8<UInt32>, UnsafeMutablePointer<SIMD8<UInt32>>) -> Void) -> [[UInt8]] {
                var out = [SIMD8<UInt32>](repeating: SIMD8(), count: 8)
                words.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { compress(m.baseAddress!, laneLengths, $0.baseAddress!) } }
                return (0..<8).map { lane in (0..<32).map { UInt8(truncatingIfNeeded: out[$0 >> 2][lane] >> UInt32(8 * ($0 & 3))) } }
            }
            let expected = messages.map { BLAKE3.hash($0) }
            #expect(digests { BLAKE3Compression.compress($0, lengths: $1, digest: $2) } == expected, "lengths \(lengths)")
            #expect(digests { BLAKE3.hashBlocks($0, lengths: $1, digest: $2) } == expected, "lengths \(lengths)")
            if WideVectors.available {
                #expect(digests { BLAKE3Wide.compress($0, lengths: $1, digest: $2) } == expected, "lengths \(lengths)")
            }
            // Told how many words hold the messages (every count from the fewest on), each form
            // leaves the zero words out and hashes the same.
            for words in ((lengths.max()! + 3) / 4)...16 {
                #expect(digests { BLAKE3.hashBlocks($0, words: words, lengths: $1, digest: $2) } == expected, "\(words) words")
                #expect(digests { BLAKE3Compression.compressLanes($0, words: words, lengths: $1, digest: $2) } == expected, "\(words) words")
                if WideVectors.available {
                    #expect(digests { BLAKE3Wide.compress($0, words: words, lengths: $1, digest: $2) } == expected, "\(words) words")
                }
            }
        }
    }

    static let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""

    /// A CPU with AVX-512 (this development machine and CI's) takes the wide build, so the test
    /// above covers it there (unless DAYLIGHT_AVX512=0 is set).
    @Test(.enabled(if: cpuInfo.contains(" avx512vl"), "needs a CPU with AVX-512"))
    func aCPUWithAVX512TakesTheWideBuild() {
        #expect(WideVectors.available)
    }

    /// ChaCha with 8 rounds, all-zero 256-bit key and nonce, block 0 (published ChaCha test vector).
    @Test func chacha8ZeroKey() {
        let block = ChaCha8(key: [UInt8](repeating: 0, count: 32)).blockBytes(counter: 0)
        #expect(Hex.encode(block) == "3e00ef2f895f40d67f5bb8e81f09a5a12c840ec3ce9a7f3b181be188ef711a1e"
            + "984ce172b9216f419f445367456d5619314a42a3da86b001387bfdb80e0cfe42")
    }

    @Test func chacha8CounterMovesTheKeystream() {
        let c = ChaCha8(key: (0..<32).map { UInt8($0) })
        #expect(c.blockBytes(counter: 0) != c.blockBytes(counter: 1))
        #expect(c.blockBytes(counter: 1 << 32) != c.blockBytes(counter: 0))
    }
}
