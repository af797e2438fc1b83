@testable import PoSpace
import TestRandom
import Testing

@Suite struct EncodingTests {
    @Test func hexRoundTripsAndRejectsGarbage() {
        #expect(Hex.encode([0x00, 0xAB, 0xff]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("0x0a") == [0x0A])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0 a") == nil)
    }

    @Test func bytes32ValuesNeedExactly32Bytes() {
        #expect(PlotID(hex: String(repeating: "ab", count: 32)) != nil)
        #expect(PlotID(hex: String(repeating: "ab", count: 31)) == nil)
        #expect(Challenge(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(throws: InputError.self) { try Challenge.parse("12", field: "challenge") }
    }

    @Test func bitPackingRoundTripsForEveryK() {
        for k in Parameters.kRange {
            let values = (0..<64).map { i in (UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - k) }
            let bytes = BitPacking.pack(values, bitsEach: k)
            #expect(bytes.count == 8 * k)
            #expect(BitPacking.unpack(bytes, bitsEach: k, count: 64) == values)
        }
    }

    @Test func parseKAcceptsOnlyTheConstructionsRange() throws {
        #expect(try Parameters.parseK("18") == 18)
        #expect(try Parameters.parseK(" 50 ") == 50)
        for bad in ["17", "51", "-1", "", "2x"] {
            #expect(throws: InputError.self) { try Parameters.parseK(bad) }
        }
    }

    @Test func proofRecordParsesTheVectorFormat() throws {
        let line = Vectors.text("test_proofs_k21.txt").split(separator: "\n")[0]
        let record = try ProofRecord(line: line)
        #expect(record.k == 21)
        #expect(record.line == String(line))
        #expect(throws: InputError.self) { try ProofRecord(line: "a, b, c") }
    }

    /// The branch-free x·(x−1)/2 against the product taken in 128 bits, at both parities, the
    /// smallest values, positions past 2^32 (k = 32) up to the largest x whose triangle fits 64 bits,
    /// and line points round-trip.
    @Test func triangleNumbersMatchTheWideProduct() {
        var random = SplitMix64(seed: 5)
        let randoms = (0..<1000).map { _ in UInt64(random.next(below: 6_074_001_001)) }
        for x in [0, 1, 2, 3, 4, 5, 1 << 32, (1 << 32) + 1, 6_074_000_999, 6_074_001_000] + randoms {
            let wide = x.multipliedFullWidth(by: x == 0 ? 0 : x - 1)
            #expect(LinePoint.triangle(x) == (wide.low >> 1 | wide.high << 63), "x = \(x)")
            #expect(wide.high >> 1 == 0)
        }
        for (a, b) in zip(randoms, randoms.dropFirst()) where a != b {
            #expect(LinePoint.decode(LinePoint.encode(a, b)) == (max(a, b), min(a, b)))
        }
    }
}
