import Compute
import Foundation
@testable import Plotting
import PoSpace
import Testing

/// Plots made with the OpenCL backend (POCL here) are byte-identical to the CPU backend's,
/// in memory and spilling.
@Suite(.serialized) struct BackendTests {
    static func plot(k: Int, backend: any ComputeBackend, memoryLimit: Int = .max) throws -> Data {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try Plotter.create(PlotRequest(k: k, plotID: PlotFileTests.plotID, memo: [9], outputDirectory: dir, threads: 2,
                                                    memoryLimit: memoryLimit, backend: backend))
        return try Data(contentsOf: result.url)
    }

    static func openCL() throws -> OpenCLBackend {
        let device = try #require(try OpenCLDevices.all().first, "no OpenCL device: install pocl-opencl-icd (tools/setup does)")
        return try OpenCLBackend(device: device)
    }

    @Test(arguments: [18, 20])
    func openCLPlotIsByteIdentical(k: Int) throws {
        let gpu = try Self.openCL()
        #expect(try Self.plot(k: k, backend: gpu) == Self.plot(k: k, backend: CPUBackend(threads: 2)))
    }

    @Test func openCLSpillingPlotIsByteIdentical() throws {
        let gpu = try Self.openCL()
        let limit = SpillTests.limit(k: 18, bucketBits: 6)
        #expect(SpillPlan(k: 18, memoryLimit: limit) == .spill(bucketBits: 6))
        #expect(try Self.plot(k: 18, backend: gpu, memoryLimit: limit) == Self.plot(k: 18, backend: CPUBackend(threads: 1)))
    }

    /// A backend that fails part way, as a device that runs out of resources or is lost would.
    struct FailingBackend: ComputeBackend {
        let cpu = CPUBackend(threads: 1)
        var description: String { "a device that fails at table 4" }
        var needsSortedGroups: Bool { cpu.needsSortedGroups }
        func f1(k: Int, plotID: PlotID, start: Int, into ys: UnsafeMutableBufferPointer<UInt64>) {
            cpu.f1(k: k, plotID: plotID, start: start, into: ys)
        }
        func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                outY: UnsafeMutableBufferPointer<UInt64>, outMeta: UnsafeMutableBufferPointer<UInt32>) throws(ComputeError) {
            guard table < 4 else { throw ComputeError("OpenCL clEnqueueNDRangeKernel(fx) failed: out of resources (-5)") }
            cpu.fx(k: k, table: table, previous: previous, left: left, right: right, outY: outY, outMeta: outMeta)
        }
        func matches(y: UnsafeBufferPointer<UInt64>) -> (left: [UInt32], right: [UInt32]) { cpu.matches(y: y) }
    }

    @Test(arguments: [Int.max, SpillTests.limit(k: 18, bucketBits: 6)])
    func aDeviceErrorStopsThePlotAndLeavesNoFile(memoryLimit: Int) throws {
        let dir = try PlotFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try Plotter.create(PlotRequest(k: 18, plotID: PlotFileTests.plotID, memo: [], outputDirectory: dir, threads: 1,
                                           memoryLimit: memoryLimit, backend: FailingBackend()))
        } throws: { error in
            guard case .compute(let e) = error as? PlotterError else { return false }
            return e.description.contains("out of resources") && "\(error)".contains("clEnqueueNDRangeKernel(fx)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
