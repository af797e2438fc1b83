import PoSpace
import Testing
import TestRandom

/// The eight-lane F1 and Fx agree with the one-at-a-time forms, k = 18 to 50.
@Suite struct LanesTests {
    static let plotID = PlotID(hex: "05683404333717545b0a6f0c0dde9710e4d3fe2d5cc6cc0a090a0b818bab0f17")!

    @Test(arguments: [18, 19, 21, 25, 32, 33, 40, 49, 50])
    func f1LanesMatchScalar(k: Int) {
        var rng = SplitMix64(seed: UInt64(k))
        let mask = (UInt64(1) << UInt64(k)) - 1
        var xs = (0..<45).map { _ in rng.next() & mask }
        // Edge cases: the first and last x, and xs whose bits straddle two keystream blocks,
        // including where the block counter's low word wraps into the high word.
        xs += [0, 1, mask, mask - 1]
        for offset in (512 - k + 1)..<512 {
            for counter: UInt64 in [7, (1 << 32) - 1] {
                let bit = counter * 512 + UInt64(offset)
                if bit % UInt64(k) == 0, bit / UInt64(k) <= mask { xs.append(bit / UInt64(k)) }
            }
        }
        let f1 = F1(k: k, plotID: Self.plotID)
        var ys = [UInt64](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { f1.evaluateLanes(x.baseAddress!, count: xs.count, into: $0.baseAddress!) }
        }
        #expect(ys == xs.map { f1($0) })
        #expect(ys.allSatisfy { $0 >> UInt64(k + 6) == 0 })
    }

    @Test(arguments: [18, 21, 32, 50], 2...7)
    func fxLanesMatchScalar(k: Int, table: Int) {
        var rng = SplitMix64(seed: UInt64(k * 10 + table))
        let mask = (UInt64(1) << UInt64(k)) - 1
        let count = 19  // two full groups of lanes and a partial one
        let inUnits = Parameters.metadataUnits(ofTable: table - 1)
        var ys = (0..<count).map { _ in rng.next() & ((mask << 6) | 63) }
        ys[0] = (mask << 6) | 63
        var meta = (0..<(count * 8)).map { _ in rng.next() & mask }
        for u in 0..<8 { meta[u] = mask }
        let fx = Fx(k: k, table: table)
        var outY = [UInt64](repeating: 0, count: count), outMeta = [UInt64](repeating: 0, count: count * 4)
        ys.withUnsafeBufferPointer { y in
            meta.withUnsafeBufferPointer { m in
                outY.withUnsafeMutableBufferPointer { oy in
                    outMeta.withUnsafeMutableBufferPointer { om in
                        fx.evaluateLanes(count: count, y: y.baseAddress!, yStride: 1,
                                         left: m.baseAddress!, right: m.baseAddress! + 4, metaStride: 8,
                                         outY: oy.baseAddress!, outMeta: om.baseAddress!, outMetaStride: 4)
                    }
                }
            }
        }
        let outUnits = Parameters.metadataUnits(ofTable: table)
        for j in 0..<count {
            let left = Metadata(units: Array(meta[(8 * j)..<(8 * j + inUnits)]))
            let right = Metadata(units: Array(meta[(8 * j + 4)..<(8 * j + 4 + inUnits)]))
            let expected = fx(y: ys[j], left: left, right: right)
            #expect(outY[j] == expected.y, "pair \(j)")
            #expect(Array(outMeta[(4 * j)..<(4 * j + outUnits)]) == expected.metadata.units, "pair \(j)")
        }
    }
}
