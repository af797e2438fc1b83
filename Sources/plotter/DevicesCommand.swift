import ArgumentParser
import Compute
import Foundation

/// `plotter devices`: the OpenCL platforms and devices `--device` can name.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the OpenCL platforms and devices plotting can use (--device opencl:P:D).")

    @Flag(help: "Print one JSON object per device.")
    var json = false

    func run() throws {
        let devices: [OpenCLDeviceInfo]
        do { devices = try OpenCLDevices.all() } catch {
            Output.error("error: \(error.description)")
            throw ExitCode(1)
        }
        if devices.isEmpty {
            if json { return }
            print("No OpenCL platform found: the OpenCL loader is installed but no driver is registered "
                  + "(/etc/OpenCL/vendors or OCL_ICD_VENDORS). Plotting runs on the CPU backend.")
            return
        }
        for d in devices {
            if json {
                Output.json(["device": "opencl:\(d.platformIndex):\(d.deviceIndex)", "platform": d.platformName, "name": d.name,
                             "vendor": d.vendor, "gpu": d.isGPU, "global_memory": d.globalMemory,
                             "compute_units": d.computeUnits, "opencl_version": d.version])
            } else {
                print("opencl:\(d.platformIndex):\(d.deviceIndex)  \(d.name)  [\(d.isGPU ? "GPU" : "not a GPU")]")
                print("    platform \(d.platformName), vendor \(d.vendor), \(d.version)")
                print(String(format: "    %.1f GiB global memory, %d compute units", Double(d.globalMemory) / Double(1 << 30), d.computeUnits))
            }
        }
    }
}
