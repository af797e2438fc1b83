import Foundation
@testable import Plotting
import PlotStore
import PoSpace
import Testing

/// Plots made under a small memory limit, with tables spilled to temporary files, are the same
/// plots byte for byte, and the temporary folder is left as it was.
@Suite struct SpillTests {
    /// The least memory limit that plans `2^bits` buckets at size k.
    static func limit(k: Int, bucketBits bits: Int) -> Int {
        SpillPlan.fixedBytes(k: k) + 2 * SpillPlan.bytesPerBucketEntry * ((1 << k) >> bits)
    }

    static func bytes(k: Int, threads: Int = 2, memoryLimit: Int = .max, temporary: URL? = nil) throws -> (Data, PlotResult) {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Plotter.create(PlotRequest(k: k, plotID: PlotFileTests.plotID, memo: [7], outputDirectory: dir,
                                                    threads: threads, memoryLimit: memoryLimit, temporaryDirectory: temporary))
        return (try Data(contentsOf: result.url), result)
    }

    @Test func planFollowsTheLimit() {
        #expect(SpillPlan(k: 24, memoryLimit: 4 << 30) == .inMemory)
        #expect(SpillPlan(k: 24, memoryLimit: 512 << 20) == .spill(bucketBits: 6))
        // Few buckets need more than an in-memory plot at small k: those limits plan in memory.
        #expect(SpillPlan(k: 20, memoryLimit: Self.limit(k: 20, bucketBits: 2)) == .inMemory)
        for bits in 3...SpillPlan.maxBucketBits(k: 20) {
            #expect(SpillPlan(k: 20, memoryLimit: Self.limit(k: 20, bucketBits: bits)) == .spill(bucketBits: bits))
        }
        // At k = 18, up to 16 buckets take more memory than the whole plot does.
        #expect(SpillPlan(k: 18, memoryLimit: Self.limit(k: 18, bucketBits: 4)) == .inMemory)
        #expect(SpillPlan(k: 18, memoryLimit: Self.limit(k: 18, bucketBits: 5)) == .spill(bucketBits: 5))
        #expect(SpillPlan(k: 18, memoryLimit: Self.limit(k: 18, bucketBits: 6)) == .spill(bucketBits: 6))
        // Phase 3 keeps a whole position map in memory where half the room left allows it; the
        // byte-identity tests below run with 1 (k = 20), 2, 4 and 8 windows (k = 18).
        #expect(SpillPlan.mapRanges(k: 24, bucketBits: 6, memoryLimit: 512 << 20) == 1)
        #expect(SpillPlan.mapRanges(k: 24, bucketBits: 8, memoryLimit: 256 << 20) == 8)
        #expect(SpillPlan.mapRanges(k: 20, bucketBits: 5, memoryLimit: Self.limit(k: 20, bucketBits: 5)) == 1)
        #expect([6, 7, 8].map { SpillPlan.mapRanges(k: 18, bucketBits: $0, memoryLimit: Self.limit(k: 18, bucketBits: $0)) } == [2, 4, 8])
        #expect(SpillPlan(k: 20, memoryLimit: SpillPlan.minimumBytes(k: 20)) != nil)
        #expect(SpillPlan(k: 20, memoryLimit: SpillPlan.minimumBytes(k: 20) - 1) == nil)
    }

    @Test(arguments: [(6, 1), (7, 2), (8, 2)])
    func spilledPlotIsByteIdenticalAtK18(bucketBits: Int, threads: Int) throws {
        let temporary = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let (inMemory, memoryResult) = try Self.bytes(k: 18)
        let (spilled, spillResult) = try Self.bytes(k: 18, threads: threads, memoryLimit: Self.limit(k: 18, bucketBits: bucketBits),
                                                    temporary: temporary)
        #expect(memoryResult.plan == .inMemory)
        #expect(spillResult.plan == .spill(bucketBits: bucketBits))
        #expect(spilled == inMemory)
        // The spill files were unlinked as they were made: nothing is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test func spilledPlotIsByteIdenticalAtK20() throws {
        let (inMemory, _) = try Self.bytes(k: 20)
        let (spilled, result) = try Self.bytes(k: 20, memoryLimit: Self.limit(k: 20, bucketBits: 5))
        #expect(result.plan == .spill(bucketBits: 5))
        #expect(spilled == inMemory)
    }

    @Test func tooLittleMemoryIsRefusedBeforeAnyFileAppears() throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try Plotter.create(PlotRequest(k: 20, plotID: PlotFileTests.plotID, memo: [], outputDirectory: dir, threads: 1,
                                           memoryLimit: 8 << 20))
        } throws: { error in
            guard case .memoryTooSmall(20, _, let needed) = error as? PlotterError else { return false }
            return needed == SpillPlan.minimumBytes(k: 20) && "\(error)".contains("needs at least")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func missingTemporaryFolderFailsCleanly() throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no-such-folder")
        #expect {
            try Plotter.create(PlotRequest(k: 18, plotID: PlotFileTests.plotID, memo: [], outputDirectory: dir, threads: 1,
                                           memoryLimit: Self.limit(k: 18, bucketBits: 6), temporaryDirectory: missing))
        } throws: { error in
            guard case .temporaryStorage(let path, _, ENOENT) = error as? PlotterError else { return false }
            return path == missing.path && "\(error)".contains("No such file or directory")
        }
        // Neither a finished plot nor the partial file is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func groupCutKeepsTheLastTwoKBCGroups() {
        let kBC = Parameters.kBC
        // Groups 0, 0, 2, 3, 3: match up to group 3; carry groups 2 and 3.
        let y: [UInt64] = [1, 5, 2 * kBC, 3 * kBC + 1, 3 * kBC + 9]
        #expect(SpilledForwardPropagation.groupCut(y) == (matchable: 3, carried: 2))
        #expect(SpilledForwardPropagation.groupCut([4, 7]) == (matchable: 0, carried: 0))
        #expect(SpilledForwardPropagation.groupCut([]) == (matchable: 0, carried: 0))
        #expect(SpilledForwardPropagation.groupCut([1, kBC]) == (matchable: 1, carried: 0))
    }
}
