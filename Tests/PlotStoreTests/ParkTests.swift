import PlotStore
import Testing
import TestRandom

/// Parks encode in one pass into their two sections and decode back, for every stub width a
/// plot can use (k − 3 bits for k up to 50), with deltas that need the escape and parks of every length up to a full one.
@Suite struct ParkTests {
    @Test(arguments: [1, 15, 16, 17, 29, 31, 32, 33, 47])
    func linePointParksRoundTrip(stubBits: Int) throws {
        var random = SplitMix64(seed: UInt64(stubBits))
        for count in [1, 2, 3, 7, 64, 65, 2047, 2048] {
            var points = [UInt64]()
            var point = random.next() >> 20
            for i in 0..<count {
                points.append(point)
                // Mostly small high parts, some at and past the escape byte.
                let high: UInt64 = i % 97 == 5 ? 255 + random.next() % 1_000 : (i % 89 == 3 ? 254 : random.next() % 4)
                point += high << UInt64(stubBits) | random.next() & ((1 << UInt64(stubBits)) - 1)
            }
            let sections = points.withUnsafeBufferPointer { LinePointPark.encodeSections($0, stubBits: stubBits) }
            #expect(sections.bits.count == LinePointPark.bitsSectionSize(entries: count, stubBits: stubBits))
            let whole = points.withUnsafeBufferPointer { LinePointPark.encode($0, stubBits: stubBits) }
            #expect(whole == sections.bits + sections.deltas)
            let decoded = try #require(LinePointPark.decode(whole, entries: count, count: count, stubBits: stubBits))
            #expect(decoded == points, "\(count) points")
        }
    }

    @Test(arguments: [1, 20, 32, 33, 63])
    func table7ParksRoundTrip(positionBits: Int) throws {
        var random = SplitMix64(seed: UInt64(100 + positionBits))
        for count in [1, 2, 9, 2048] {
            var f7 = (0..<count).map { _ in random.next() % 5_000 }
            f7[count / 2] = 1 << 40  // a delta past the escape byte
            f7.sort()
            let positions = (0..<count).map { _ in random.next() & ((1 << UInt64(positionBits)) - 1) }
            let sections = f7.withUnsafeBufferPointer { f in
                positions.withUnsafeBufferPointer { Table7Park.encodeSections(f7: f, positions: $0, positionBits: positionBits) }
            }
            #expect(sections.bits.count == Table7Park.bitsSectionSize(entries: count, positionBits: positionBits))
            let decoded = try #require(Table7Park.decode(sections.bits + sections.deltas, entries: count, positionBits: positionBits))
            #expect(decoded.f7 == f7)
            #expect((0..<count).map { decoded.position($0) } == positions)
        }
    }

    /// f7 deltas go two to a byte (15·a + b) when both are below 15, else as the escape byte and
    /// both values; an odd last delta alone. A byte no pair is written as makes the park malformed.
    @Test func table7DeltasAreCodedInPairs() throws {
        func deltas(_ f7: [UInt64]) -> [UInt8] {
            let positions = [UInt64](repeating: 0, count: f7.count)
            return f7.withUnsafeBufferPointer { f in
                positions.withUnsafeBufferPointer { Table7Park.encodeSections(f7: f, positions: $0, positionBits: 8).deltas }
            }
        }
        // Deltas 0, 1 | 14, 0 | 1.
        let small: [UInt8] = [1, 210, 1]
        #expect(deltas([10, 10, 11, 25, 25, 26]) == small)
        let fifteen: [UInt8] = [255, 15, 0, 1]
        #expect(deltas([0, 15, 15, 16]) == fifteen)
        // Deltas 1, 300: 300 takes `DeltaCoding`'s own escape and 8 bytes.
        let large: [UInt8] = [255, 1, 255, 0, 0, 0, 0, 0, 0, 1, 44]
        #expect(deltas([0, 1, 301]) == large)
        #expect(deltas([7]).isEmpty)
        let f7: [UInt64] = [3, 4, 4]
        let positions: [UInt64] = [1, 2, 3]
        let sections = f7.withUnsafeBufferPointer { f in
            positions.withUnsafeBufferPointer { Table7Park.encodeSections(f7: f, positions: $0, positionBits: 8) }
        }
        #expect(Table7Park.decode(sections.bits + sections.deltas, entries: 3, positionBits: 8)?.f7 == f7)
        for byte: UInt8 in [225, 254] {
            #expect(Table7Park.decode(sections.bits + [byte], entries: 3, positionBits: 8) == nil, "byte \(byte)")
        }
        #expect(Table7Park.decode(sections.bits + [255, 1], entries: 3, positionBits: 8) == nil, "an escape cut short")
    }
}
