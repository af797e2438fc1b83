@testable import Plotting
import TestRandom
import Testing

@Suite struct RadixSortTests {
    /// Every path (LSD; spreading by the top bits then insertion sorts, for small inputs with wide
    /// keys; bucket scatter first, for large ones) is a stable sort.
    @Test(arguments: [(1_000, 30), (1_300_000, 40), (1_300_000, 20)])
    func sortsStablyByTheLowBits(count: Int, keyBits: Int) {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        // Few distinct keys in the low bits, junk above them, so ties and masking both matter.
        var keys = (0..<count).map { _ in (next() & ((1 << UInt64(keyBits)) - 1) & ~0xFFF) | 0 }
        var values = (0..<count).map { UInt32($0) }
        let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        sortPairs(&keys, &values, keyBits: keyBits, threads: 2)
        #expect(keys == expected.map(\.0))
        #expect(values == expected.map(\.1))
    }

    /// Keys sorted alone (table 7's, which hold f7 and position) come out as with values, on
    /// every path: the values of no size change nothing.
    @Test(arguments: [(1_000, 30), (40_000, 40), (1_300_000, 48), (1_300_000, 20)])
    func keysAloneSortAsWithValues(count: Int, keyBits: Int) {
        var random = SplitMix64(seed: 17)
        let keys = (0..<count).map { _ in random.bits(keyBits) }
        var sorted = keys
        sortKeys(&sorted, keyBits: keyBits, threads: 2)
        #expect(sorted == keys.sorted())
    }

    /// A small input with wide keys is spread by its top bits and then insertion-sorted in one
    /// pass over the whole array: with many equal keys in each slot, and other bits above the
    /// key's, it stays sorted on the key's bits alone, and stable.
    @Test func spreadSlotsWithEqualKeysSortStably() {
        var state: UInt64 = 9
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let keyBits = 30
        var keys = (0..<20_000).map { _ in (next() % 1_000) << 40 | (next() % 4_000) << 18 }
        var values = (0..<keys.count).map { UInt32($0) }
        let mask: UInt64 = (1 << UInt64(keyBits)) - 1
        let expected = zip(keys, values).sorted { $0.0 & mask != $1.0 & mask ? $0.0 & mask < $1.0 & mask : $0.1 < $1.1 }
        sortPairs(&keys, &values, keyBits: keyBits, threads: 1)
        #expect(keys == expected.map(\.0))
        #expect(values == expected.map(\.1))
    }

    /// Keys crowded into a few values of their top bits overflow the spread's slots, which then
    /// fall back to sorting on the remaining bits: still sorted, still stable.
    @Test func crowdedKeysSortStably() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var keys = (0..<20_000).map { _ in (next() % 7) << 30 | next() % 4 }
        var values = (0..<keys.count).map { UInt32($0) }
        let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        sortPairs(&keys, &values, keyBits: 40, threads: 1)
        #expect(keys == expected.map(\.0))
        #expect(values == expected.map(\.1))
    }

    /// Line points crowd into the low buckets (a key below 2^(2v) needs both positions below
    /// 2^v): the first buckets of a large sort overflow the spread and take the LSD sort, the
    /// last hold few keys. Sorted either way.
    @Test func linePointsOverfillingTheFirstBucketsSort() {
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let positions: UInt64 = 1_500_000
        var keys = (0..<1_200_000).map { _ in
            let x = 2 + next() % (positions - 2)
            return x * (x - 1) / 2 + next() % x
        }
        var values = (0..<keys.count).map { UInt32($0) }
        let keyBits = 64 - (positions * positions / 2).leadingZeroBitCount
        let expected = zip(keys, values).sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        sortPairs(&keys, &values, keyBits: keyBits, threads: 2)
        #expect(keys == expected.map(\.0))
        #expect(values == expected.map(\.1))
    }
}
