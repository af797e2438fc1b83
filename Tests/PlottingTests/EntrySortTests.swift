@testable import Plotting
import Testing

@Suite struct EntrySortTests {
    /// A spilled bucket's y values share their top bits; sorting by the bits below them must
    /// order the entries exactly as a stable sort by the whole y, carrying every column along.
    @Test(arguments: [1, 2])
    func sortsByTheLowBitsBelowASharedPrefix(threads: Int) {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let n = 200_000, lowBits = 24, units = 2
        let prefix: UInt64 = 0b101 << UInt64(lowBits)
        // Few distinct low values, so that ties show whether the order is stable.
        let y = (0..<n).map { _ in prefix | (next() & ((1 << UInt64(lowBits)) - 1) & ~0xFF) }
        let metadata = (0..<(n * units)).map { _ in next() }
        var table = ForwardTable(table: 3, y: y, metadata: metadata,
                                 left: (0..<n).map { UInt32($0) }, right: (0..<n).map { UInt32(n - $0) })
        EntrySort.byY(&table, yBits: lowBits, units: units, threads: threads)

        let order = (0..<n).sorted { y[$0] != y[$1] ? y[$0] < y[$1] : $0 < $1 }
        #expect(table.y == order.map { y[$0] })
        #expect(table.left == order.map { UInt32($0) })
        #expect(table.right == order.map { UInt32(n - $0) })
        #expect(table.metadata == order.flatMap { i in (0..<units).map { metadata[i * units + $0] } })
    }
}
