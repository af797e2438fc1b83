@testable import Plotting
import PlotStore
import PoSpace
import Testing

/// The formats that must hold positions past 2^32, which tables of k = 32 reach (a plot that
/// size cannot be made in a test, so the pieces are checked with values that large).
@Suite struct WidePositionTests {
    @Test func backPointersKeepPositionsPast32Bits() {
        for (left, right) in [(0, 1), (5, 600), (1 << 32, (1 << 32) + 300), ((1 << 33) + 12_345, (1 << 33) + 12_345 + 1_023),
                              ((1 << 40) - 2, (1 << 40) - 1)] {
            let word = BackPointers.pack(left: left, right: right)
            #expect(BackPointers.left(word) == left)
            #expect(BackPointers.right(word) == right)
        }
        // Distinct pairs stay distinct words.
        #expect(BackPointers.pack(left: 1 << 32, right: (1 << 32) + 1) != BackPointers.pack(left: 0, right: 1))
    }

    @Test func table7ParksStorePositionsPast32Bits() throws {
        let f7: [UInt64] = [3, 3, 9, 1 << 31, (1 << 32) - 1]
        let positions: [UInt64] = [(1 << 32) + 5, 0, (1 << 33) - 1, 1 << 32, 77]
        let bytes = f7.withUnsafeBufferPointer { f in
            positions.withUnsafeBufferPointer { Table7Park.encode(f7: f, positions: $0, positionBits: 33) }
        }
        let decoded = try #require(Table7Park.decode(bytes, entries: f7.count, positionBits: 33))
        #expect(decoded.f7 == f7)
        #expect((0..<positions.count).map { decoded.position($0) } == positions)
    }

    @Test func linePointsOfK32FitSixtyFourBits() {
        // Tables of k = 32 hold about 2^32 entries, a little more at most: pairs of positions
        // past 2^32 (here 2^32 + 2^28) still give line points below 2^64, and decode back.
        let a: UInt64 = (1 << 32) + (1 << 28), b: UInt64 = a - 1
        let point = LinePoint.encode(a, b)
        #expect(point > 1 << 63)
        #expect(LinePoint.decode(point) == (a, b))
        #expect(LinePoint.decode(LinePoint.encode(1 << 32, 12_345)) == (1 << 32, 12_345))
    }

    @Test func k32IsPlannedWithinTwentyFourGiB() {
        #expect(SpillPlan(k: 32, memoryLimit: 24 << 30) == .spill(bucketBits: 8))
        #expect(SpillPlan.minimumBytes(k: 32) < 20 << 30)
        // Positions in memory are 32 bits: k = 32 always spills, however much memory there is.
        #expect(SpillPlan(k: 32, memoryLimit: 1 << 42) != .inMemory)
        #expect(SpillPlan(k: 31, memoryLimit: 1 << 42) == .inMemory)
        #expect(Plotter.supportedK == 18...32)
    }
}
