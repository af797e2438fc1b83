import Foundation
import Testing

/// `plotter devices` and `plotter create --device` as a user runs them: with POCL (the CPU
/// OpenCL driver CI installs) and with an OpenCL loader that finds no driver at all.
@Suite(.serialized) struct DeviceCommandTests {
    static let plotID = "23023404333717545b0a6f0c0dde9710e4d3fe2d5cc6cc0a090a0b818bab0f17"

    /// An environment whose OpenCL loader sees no platform: an empty vendors folder.
    static func withoutDrivers(_ body: ([String: String]) throws -> Void) throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-no-icd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        try body(["OCL_ICD_VENDORS": empty.path, "OPENCL_VENDOR_PATH": empty.path])
    }

    @Test func devicesListsPOCL() throws {
        let r = try Tool.run(["devices"], tool: "plotter")
        #expect(r.status == 0)
        #expect(r.stdout.contains("opencl:0:0"), "\(r.stdout)")
        #expect(r.stdout.contains("compute units"))
        #expect(r.stdout.contains("Portable Computing Language"))
        let json = try Tool.run(["devices", "--json"], tool: "plotter")
        let first = try #require(json.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["device"] as? String == "opencl:0:0")
        #expect((object["global_memory"] as? Int ?? 0) > 0)
    }

    @Test func withoutADriverDevicesSaysSoAndAutoPlotsOnTheCPU() throws {
        try Self.withoutDrivers { env in
            let devices = try Tool.run(["devices"], tool: "plotter", environment: env)
            #expect(devices.status == 0)
            #expect(devices.stdout.contains("No OpenCL platform found"), "\(devices.stdout)")

            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let auto = try Tool.run(["create", "-k", "18", "--plot-id", Self.plotID, "--out", dir.path], tool: "plotter", environment: env)
            #expect(auto.status == 0, "\(auto.stderr)")
            #expect(auto.stderr.contains("CPU backend, "), "\(auto.stderr)")
            #expect(auto.stderr.contains("auto: no OpenCL platform found"))

            let opencl = try Tool.run(["create", "-k", "18", "--out", dir.path, "--device", "opencl"], tool: "plotter", environment: env)
            #expect(opencl.status == 1)
            #expect(opencl.stderr.contains("--device opencl: no OpenCL device found"), "\(opencl.stderr)")
            // Only the first plot is there.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
        }
    }

    @Test func openCLPlotEqualsCPUPlot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var files = [Data]()
        for device in ["cpu", "opencl:0:0"] {
            let out = dir.appendingPathComponent(device.replacingOccurrences(of: ":", with: "-"))
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let r = try Tool.run(["create", "-k", "18", "--plot-id", Self.plotID, "--out", out.path, "--device", device, "--json"],
                                 tool: "plotter")
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains(device == "cpu" ? "CPU backend" : "OpenCL device 0:0"))
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first)
            files.append(try Data(contentsOf: out.appendingPathComponent(name)))
        }
        #expect(files[0] == files[1])
    }

    @Test func badDeviceNamesAreRefused() throws {
        let bad = try Tool.run(["create", "-k", "18", "--device", "gpu"], tool: "plotter")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--device"))
        let missing = try Tool.run(["create", "-k", "18", "--out", "/tmp", "--device", "opencl:7:7"], tool: "plotter")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("opencl:7:7: no such OpenCL device (found: 0:0"), "\(missing.stderr)")
    }
}
