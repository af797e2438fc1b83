@testable import Plotting
import PoSpace
import Testing

@Suite struct EntrySortTests {
    /// A spilled bucket's y values share their top bits; sorting by the bits below them must
    /// order the entries exactly as a stable sort by the whole y, carrying every column along.
    @Test(arguments: [1, 2], [2, 3, 4])
    func sortsByTheLowBitsBelowASharedPrefix(threads: Int, units: Int) {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let n = 200_000, lowBits = 24
        let prefix: UInt64 = 0b101 << UInt64(lowBits)
        // Few distinct low values, so that ties show whether the order is stable.
        let y = (0..<n).map { _ in prefix | (next() & ((1 << UInt64(lowBits)) - 1) & ~0xFF) }
        let metadata = (0..<(n * units)).map { _ in UInt32(truncatingIfNeeded: next()) }
        var table = ForwardTable(table: 3, y: y, metadata: metadata,
                                 left: (0..<n).map { UInt32($0) }, right: (0..<n).map { UInt32(n - $0) })
        EntrySort.sort(&table, by: .y, yBits: lowBits, units: units, threads: threads)

        let order = (0..<n).sorted { y[$0] != y[$1] ? y[$0] < y[$1] : $0 < $1 }
        #expect(table.y == order.map { y[$0] })
        #expect(table.left == order.map { UInt32($0) })
        #expect(table.right == order.map { UInt32(n - $0) })
        #expect(table.metadata == order.flatMap { i in (0..<units).map { metadata[i * units + $0] } })
    }

    /// Sorting by kBC group moves whole entries into ascending groups, and the order inside
    /// the groups depends only on the input, not on the thread count.
    @Test func groupsByKBCGroup() {
        var state: UInt64 = 3
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let n = 150_000, yBits = 28
        let y = (0..<n).map { _ in next() & ((1 << UInt64(yBits)) - 1) }
        let input = ForwardTable(table: 2, y: y, metadata: y.map { UInt32(truncatingIfNeeded: $0 ^ 0x5555) },
                                 left: (0..<n).map { UInt32($0) }, right: (0..<n).map { UInt32($0) + 1 })
        var one = input, two = input
        EntrySort.sort(&one, by: .group, yBits: yBits, units: 1, threads: 1)
        EntrySort.sort(&two, by: .group, yBits: yBits, units: 1, threads: 2)

        let kBC = Parameters.kBC
        #expect(zip(one.y, one.y.dropFirst()).allSatisfy { $0 / kBC <= $1 / kBC })
        #expect(Set(one.left) == Set(0..<UInt32(n)))
        #expect((0..<n).allSatisfy { one.y[$0] == y[Int(one.left[$0])] && one.right[$0] == one.left[$0] + 1 })
        #expect(one.metadata == one.y.map { UInt32(truncatingIfNeeded: $0 ^ 0x5555) })
        #expect(two.y == one.y && two.left == one.left && two.metadata == one.metadata)
        // Not merely sorted by y: the groups are not sorted inside.
        #expect(one.y != one.y.sorted())
    }
}
