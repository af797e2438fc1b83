import Compute
import PoSpace
import Testing
import TestRandom

@Suite struct BucketMatcherTests {
    /// The CPU matcher takes a table grouped by kBC group in any order inside each group: it
    /// finds the same pairs of entries as in the y-sorted table, each left entry's matches in
    /// m order, then right position.
    /// Groups of a few entries up to four times the usual 236 (a window then spans many
    /// vectors, and the last one runs past it).
    @Test(arguments: [1, 3, 16, 400, 1000])
    func groupOrderFindsTheSamePairs(perGroup: Int) {
        let kBC = Parameters.kBC
        var random = SplitMix64(seed: 11 + UInt64(perGroup))
        var sorted = [UInt64]()
        for group in [UInt64(3), 4, 5, 7, 8] {
            for _ in 0..<perGroup { sorted.append(group * kBC + random.next() % kBC) }
        }
        sorted += Array(repeating: 8 * kBC + 91, count: 4)  // equal y, which a shuffle scatters in the group
        sorted.sort()
        // Shuffle inside each group; `original[i]` is entry i's place in the sorted table.
        var original = Array(sorted.indices)
        var start = 0
        while start < sorted.count {
            var end = start
            while end < sorted.count, sorted[end] / kBC == sorted[start] / kBC { end += 1 }
            for i in stride(from: end - 1, to: start, by: -1) {
                original.swapAt(i, start + Int(random.next() % UInt64(i - start + 1)))
            }
            start = end
        }
        let grouped = original.map { sorted[$0] }

        let cpu = CPUBackend(threads: 2)
        #expect(!cpu.needsSortedGroups)
        let expected = sorted.withUnsafeBufferPointer { cpu.matches(y: $0) }
        let actual = grouped.withUnsafeBufferPointer { cpu.matches(y: $0) }
        if perGroup >= 16 { #expect(!expected.left.isEmpty) }
        let pairs = zip(actual.left, actual.right).map { (original[Int($0)], original[Int($1)]) }
        #expect(Set(pairs.map { "\($0.0),\($0.1)" }) == Set(zip(expected.left, expected.right).map { "\($0),\($1)" }))
        #expect(pairs.count == expected.left.count)
        // And every match there is: all pairs of entries in adjacent groups, checked one by one.
        var all = Set<String>()
        for (i, a) in sorted.enumerated() {
            for (j, b) in sorted.enumerated() where b / kBC == a / kBC + 1 && Matching.isMatch(yLeft: a, yRight: b) {
                all.insert("\(i),\(j)")
            }
        }
        #expect(Set(zip(expected.left, expected.right).map { "\($0),\($1)" }) == all)
        for (j, (l, r)) in zip(actual.left, actual.right).enumerated() {
            #expect(Matching.isMatch(yLeft: grouped[Int(l)], yRight: grouped[Int(r)]))
            // In left position order, and for one left entry, by m (equal y: by right position).
            if j > 0, actual.left[j - 1] == l {
                let m = { (r: UInt32) in Self.m(grouped[Int(l)], grouped[Int(r)]) }
                #expect(m(actual.right[j - 1]) < m(r) || (m(actual.right[j - 1]) == m(r) && actual.right[j - 1] < r))
            } else if j > 0 {
                #expect(actual.left[j - 1] < l)
            }
        }
    }

    /// The m for which left y `a` matches right y `b`.
    static func m(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let kBC = Parameters.kBC, kB = Parameters.kB, kC = Parameters.kC
        return ((b % kBC) / kC + kB - (a % kBC) / kC) % kB
    }
}
