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

    /// The plotter's form: inputs read in place through back pointers, and metadata units
    /// stored as `UInt32`, which holds them up to the largest k it plots (32).
    @Test(arguments: [18, 25, 32], 2...7)
    func fxLanesOnThirtyTwoBitUnitsMatchScalar(k: Int, table: Int) {
        var rng = SplitMix64(seed: UInt64(k * 100 + table))
        let mask = (UInt64(1) << UInt64(k)) - 1
        let entries = 40, count = 21
        let inUnits = Parameters.metadataUnits(ofTable: table - 1), outUnits = Parameters.metadataUnits(ofTable: table)
        var ys = (0..<entries).map { _ in rng.next() & ((mask << 6) | 63) }
        ys[0] = (mask << 6) | 63
        var meta = (0..<(entries * inUnits)).map { _ in UInt32(truncatingIfNeeded: rng.next() & mask) }
        for u in 0..<inUnits { meta[u] = UInt32(truncatingIfNeeded: mask) }
        var left = (0..<count).map { _ in UInt32(rng.next() % UInt64(entries)) }
        let right = (0..<count).map { _ in UInt32(rng.next() % UInt64(entries)) }
        left[0] = 0
        let fx = Fx(k: k, table: table)
        var outY = [UInt64](repeating: 0, count: count), outMeta = [UInt32](repeating: 0, count: count * max(1, outUnits))
        ys.withUnsafeBufferPointer { y in
            meta.withUnsafeBufferPointer { m in
                left.withUnsafeBufferPointer { l in
                    right.withUnsafeBufferPointer { r in
                        outY.withUnsafeMutableBufferPointer { oy in
                            outMeta.withUnsafeMutableBufferPointer { om in
                                let pairs = IndexedPairs(y: y.baseAddress!, metadata: m.baseAddress!, units: inUnits,
                                                         left: l.baseAddress!, right: r.baseAddress!)
                                fx.evaluateLanes(count: count, inputs: pairs, outY: oy.baseAddress!, outMeta: om.baseAddress!,
                                                 outMetaStride: outUnits)
                            }
                        }
                    }
                }
            }
        }
        func units(_ entry: UInt32) -> Metadata {
            Metadata(units: (0..<inUnits).map { UInt64(meta[Int(entry) * inUnits + $0]) })
        }
        for j in 0..<count {
            let expected = fx(y: ys[Int(left[j])], left: units(left[j]), right: units(right[j]))
            #expect(outY[j] == expected.y, "pair \(j)")
            #expect(outMeta[(outUnits * j)..<(outUnits * j + outUnits)].map { UInt64($0) } == expected.metadata.units, "pair \(j)")
        }
    }
}
