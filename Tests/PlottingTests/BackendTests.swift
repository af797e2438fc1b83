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
        let limit = SpillTests.limit(k: 18, bucketBits: 4)
        #expect(try Self.plot(k: 18, backend: gpu, memoryLimit: limit) == Self.plot(k: 18, backend: CPUBackend(threads: 1)))
    }
}
