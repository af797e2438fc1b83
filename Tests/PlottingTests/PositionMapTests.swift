@testable import Plotting
import TestRandom
import Testing

@Suite struct PositionMapTests {
    /// The map puts each rank at its entry, and `UInt32.max` at entries no rank names, across
    /// many stretches and a short last one, whatever the threads.
    @Test(arguments: [1, 2, 3])
    func invertsTheSortOrder(threads: Int) {
        var random = SplitMix64(seed: 33)
        let count = 5 << PositionMap.stretchBits + 123
        // Distinct entries in random order: a shuffle of every third entry.
        var order = (0..<count).filter { $0 % 3 != 1 }.map { UInt32($0) }
        order.shuffle(using: &random)
        var expected = [UInt32](repeating: .max, count: count)
        for (rank, entry) in order.enumerated() { expected[Int(entry)] = UInt32(rank) }
        #expect(PositionMap.inverting(order, count: count, threads: threads) == expected)
    }

    /// A map of no entries, and entries that no rank names.
    @Test func emptyAndUnnamed() {
        #expect(PositionMap.inverting([], count: 0, threads: 2) == [])
        #expect(PositionMap.inverting([], count: 3, threads: 2) == [.max, .max, .max])
    }
}
