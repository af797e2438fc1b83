import PoSpace
import Testing

@Suite struct FxTests {
    @Test func vectorsAreLoaded() {
        #expect(Vectors.fx.count == 12)
        #expect(Set(Vectors.fx.map(\.table)) == Set(2...7))
    }

    @Test(arguments: Vectors.fx.indices)
    func matchesChiaposVector(_ row: Int) {
        let v = Vectors.fx[row]
        let inUnits = Parameters.metadataUnits(ofTable: v.table - 1)
        let fx = Fx(k: v.k, table: v.table)
        let out = fx(y: v.yLeft,
                     left: Metadata(packed: v.left, count: inUnits, k: v.k),
                     right: Metadata(packed: v.right, count: inUnits, k: v.k))
        #expect(out.y == v.y)
        if let collated = v.collated {
            #expect(out.metadata.units.count == Parameters.metadataUnits(ofTable: v.table))
            #expect(Hex.encode(out.metadata.packed(k: v.k)).drop(while: { $0 == "0" })
                    == Hex.encode(collated).drop(while: { $0 == "0" }))
        } else {
            #expect(out.metadata.units.isEmpty)
        }
    }

    @Test func metadataPackingRoundTrips() {
        for k in [18, 21, 32, 50] {
            let units: [UInt64] = [1, (1 << UInt64(k)) - 1, 12345, 1 << UInt64(k - 1)]
            for n in 1...4 {
                let m = Metadata(units: Array(units.prefix(n)))
                #expect(Metadata(packed: m.packed(k: k), count: n, k: k) == m)
            }
        }
    }
}
