@testable import Plotting
import TestRandom
import Testing

@Suite struct PackedSortTests {
    /// Keys and values come out ordered by key, then value, as the stable sort leaves them
    /// when values rise in input order: table 1's shape (30-bit y with ties, 24-bit x) and line
    /// points' (47 bits), packed; and an input the packing does not fit, and one too small to
    /// bucket, which go to `RadixSort`.
    @Test(arguments: [(1_300_000, 30, 21, true), (1_300_000, 47, 21, true), (1_300_000, 60, 21, false),
                      (3_000, 47, 12, true)])
    func sortsByKeyThenValue(count: Int, keyBits: Int, valueBits: Int, fits: Bool) {
        #expect(PackedSort.fits(count: count, keyBits: keyBits, valueBits: valueBits) == fits)
        var random = SplitMix64(seed: 23)
        // Ties in the key (low bits cleared), so that the value's order shows; values are the
        // input positions, as in both of the plotter's uses.
        var keys = (0..<count).map { _ in random.bits(keyBits) & ~0x3F }
        var values = (0..<count).map { UInt32($0) }
        let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        PackedSort.sort(&keys, &values, keyBits: keyBits, valueBits: valueBits, threads: 2)
        // Compared first: a failed expectation on arrays this long would print them whole.
        let same = (keys: keys == expected.map(\.0), values: values == expected.map(\.1))
        #expect(same.keys && same.values, "\(same)")
    }

    /// Values out of input order are still sorted below equal keys, the packing's order.
    @Test func equalKeysOrderTheirValues() {
        var random = SplitMix64(seed: 5)
        let count = 200_000
        var keys = (0..<count).map { _ in random.bits(20) & ~0xFF }
        var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.bits(18)) }
        let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        PackedSort.sort(&keys, &values, keyBits: 20, valueBits: 18, threads: 2)
        let same = (keys: keys == expected.map(\.0), values: values == expected.map(\.1))
        #expect(same.keys && same.values, "\(same)")
    }
}
