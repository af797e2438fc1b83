@testable import Compute
import PoSpace
import Testing
import TestRandom

/// The OpenCL kernels (run here on POCL, the CPU OpenCL driver) against the Swift
/// implementation: F1, Fx for every table, and matching, at the smallest and largest k the
/// f functions take, in slices small enough that every operation crosses slice boundaries.
@Suite(.serialized) struct KernelTests {
    /// One backend for the suite: building the kernels takes POCL a few seconds.
    static let device: OpenCLDeviceInfo? = (try? OpenCLDevices.all())?.first
    static let backend: OpenCLBackend? = device.flatMap { try? OpenCLBackend(device: $0, sliceLimit: 1000) }
    /// The same with the slices a plot gets.
    static let wholeSlices: OpenCLBackend? = device.flatMap { try? OpenCLBackend(device: $0) }
    static let cpu = CPUBackend(threads: 2)

    static func openCL(smallSlices: Bool = true) throws -> OpenCLBackend {
        try #require(device != nil, "no OpenCL device: install pocl-opencl-icd (tools/setup does)")
        return try #require(smallSlices ? backend : wholeSlices, "the kernels did not build")
    }

    static let plotID = PlotID(hex: "0568c1e4b0a3f4ec5a4a10c9dd8c7b4c3f3a3b7d0b4a4b2c1e0f1f2f3f4f5f6f")!

    @Test(arguments: [(18, 0), (18, (1 << 18) - 2500), (33, 123_456_789), (50, (1 << 50) - 2500)])
    func f1MatchesSwift(k: Int, start: Int) throws {
        let gpu = try Self.openCL()
        var expected = [UInt64](repeating: 0, count: 2500), actual = expected
        expected.withUnsafeMutableBufferPointer { Self.cpu.f1(k: k, plotID: Self.plotID, start: start, into: $0) }
        try actual.withUnsafeMutableBufferPointer { try gpu.f1(k: k, plotID: Self.plotID, start: start, into: $0) }
        #expect(actual == expected)
        // And the Swift range form agrees with f1 one x at a time.
        let f1 = F1(k: k, plotID: Self.plotID)
        #expect(expected[7] == f1(UInt64(start + 7)))
    }

    /// Random inputs of Fx for `table`: a previous table of `entries` entries and `pairs` pairs
    /// of positions in it, with the CPU backend's columns for them.
    struct FxCase {
        let k: Int, table: Int
        let y: [UInt64], meta: [UInt32], left: [UInt32], right: [UInt32]
        var outUnits: Int { Parameters.metadataUnits(ofTable: table) }

        init(k: Int, table: Int, entries: Int, pairs: Int, random: inout SplitMix64) {
            self.k = k
            self.table = table
            let inUnits = Parameters.metadataUnits(ofTable: table - 1)
            y = (0..<entries).map { _ in random.bits(k + Parameters.extraBits) }
            meta = (0..<(entries * inUnits)).map { _ in UInt32(random.bits(k)) }
            left = (0..<pairs).map { _ in UInt32(random.next() % UInt64(entries)) }
            right = (0..<pairs).map { _ in UInt32(random.next() % UInt64(entries)) }
        }

        /// Calls `body` with the previous table's columns and the pairs.
        func withInputs<R>(_ body: (TableColumns, UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws -> R) rethrows -> R {
            try y.withUnsafeBufferPointer { y in
                try meta.withUnsafeBufferPointer { meta in
                    try left.withUnsafeBufferPointer { l in
                        try right.withUnsafeBufferPointer { r in
                            try body(TableColumns(y: y, metadata: meta, units: Parameters.metadataUnits(ofTable: table - 1)), l, r)
                        }
                    }
                }
            }
        }

        /// y and metadata columns of every pair from `backend`'s column form.
        func columns(_ backend: any ComputeBackend) throws -> (y: [UInt64], meta: [UInt32]) {
            var ys = [UInt64](repeating: 0, count: left.count), meta = [UInt32](repeating: 0, count: left.count * outUnits)
            try withInputs { columns, l, r in
                try ys.withUnsafeMutableBufferPointer { oy in
                    try meta.withUnsafeMutableBufferPointer { om in
                        try backend.fx(k: k, table: table, previous: columns, left: l, right: r, outY: oy, outMeta: om)
                    }
                }
            }
            return (ys, meta)
        }
    }

    @Test(arguments: [18, 29, 32])
    func fxMatchesSwiftForEveryTable(k: Int) throws {
        let gpu = try Self.openCL()
        var random = SplitMix64(seed: UInt64(k))
        for table in 2...7 {
            let fx = FxCase(k: k, table: table, entries: 600, pairs: 2300, random: &random)
            let expected = try fx.columns(Self.cpu), actual = try fx.columns(gpu)
            #expect(actual.y == expected.y, "k = \(k), table \(table): y")
            #expect(actual.meta == expected.meta, "k = \(k), table \(table): metadata")
        }
    }

    /// The block form a backend gets by default (columns a slice at a time, then each block
    /// from them) hands over the same values as the CPU backend's columns, with slices that
    /// end inside the last block and blocks consumed on two threads.
    @Test func defaultBlocksEqualTheColumns() throws {
        let gpu = try Self.openCL()
        var random = SplitMix64(seed: 77)
        let pairs = 5_000, blockSize = 256
        let fx = FxCase(k: 20, table: 4, entries: 900, pairs: pairs, random: &random)
        let expected = try fx.columns(Self.cpu), outUnits = fx.outUnits
        var actualY = [UInt64](repeating: .max, count: pairs), actualMeta = [UInt32](repeating: .max, count: pairs * outUnits)
        var consumed = [Int](repeating: 0, count: (pairs + blockSize - 1) / blockSize)
        try fx.withInputs { columns, l, r in
            try actualY.withUnsafeMutableBufferPointer { oy in
                try actualMeta.withUnsafeMutableBufferPointer { om in
                    try consumed.withUnsafeMutableBufferPointer { consumed in
                        try gpu.fx(k: fx.k, table: fx.table, previous: columns, left: l, right: r, blockSize: blockSize, threads: 2,
                                   slicePairs: 1_000) { block, range, ys, units in
                            consumed[block] += range.count
                            for j in 0..<range.count {
                                oy[range.lowerBound + j] = ys[j]
                                for u in 0..<outUnits { om[(range.lowerBound + j) * outUnits + u] = units[j * outUnits + u] }
                            }
                        }
                    }
                }
            }
        }
        #expect(consumed == (0..<consumed.count).map { min(blockSize, pairs - $0 * blockSize) })
        #expect(actualY == expected.y)
        #expect(actualMeta == expected.meta)
    }

    /// Table 1 of a real plot (k = 18): every match, in the CPU matcher's order.
    @Test func matchesEqualTheCPUMatcher() throws {
        let gpu = try Self.openCL(smallSlices: false)
        let k = 18
        var y = [UInt64](repeating: 0, count: 1 << k)
        y.withUnsafeMutableBufferPointer { Self.cpu.f1(k: k, plotID: Self.plotID, start: 0, into: $0) }
        y.sort()
        let (expected, actual) = try y.withUnsafeBufferPointer { ys in (Self.cpu.matches(y: ys), try gpu.matches(y: ys)) }
        #expect(expected.left.count > 200_000)
        #expect(actual.left == expected.left)
        #expect(actual.right == expected.right)
    }

    /// Hand-made groups: repeated y values, a group with no neighbour, several matches per entry.
    @Test func matchesHandleDuplicatesAndGaps() throws {
        let gpu = try Self.openCL()
        let kBC = Parameters.kBC
        var y = [UInt64]()
        var random = SplitMix64(seed: 7)
        for group in [UInt64(4), 5, 6, 9, 10] {
            for _ in 0..<300 { y.append(group * kBC + random.next() % kBC) }
        }
        y += Array(repeating: 10 * kBC + 77, count: 5)  // duplicates: each matching left entry matches all five
        y.sort()
        let (expected, actual) = try y.withUnsafeBufferPointer { ys in (Self.cpu.matches(y: ys), try gpu.matches(y: ys)) }
        #expect(!expected.left.isEmpty)
        #expect(actual.left == expected.left)
        #expect(actual.right == expected.right)
        // Every pair really matches.
        for (l, r) in zip(actual.left, actual.right) { #expect(Matching.isMatch(yLeft: y[Int(l)], yRight: y[Int(r)])) }
    }

    @Test func deviceChoicesParse() {
        #expect(DeviceChoice("auto") == .auto)
        #expect(DeviceChoice("cpu") == .cpu)
        #expect(DeviceChoice("opencl") == .anyOpenCL)
        #expect(DeviceChoice("opencl:1:2") == .opencl(platform: 1, device: 2))
        for bad in ["gpu", "opencl:1", "opencl:a:b", "opencl:-1:0", ""] { #expect(DeviceChoice(bad) == nil) }
    }
}
