/// Which backend plots: `auto` (the first OpenCL GPU, else the CPU), `cpu`, or `opencl`
/// (the first OpenCL device, or platform P's device D).
public enum DeviceChoice: Equatable, Sendable {
    case auto
    case cpu
    case opencl(platform: Int, device: Int)
    case anyOpenCL

    /// Parses `auto`, `cpu`, `opencl` or `opencl:P:D`.
    public init?(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "cpu": self = .cpu
        case "opencl": self = .anyOpenCL
        default:
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "opencl", let p = Int(parts[1]), let d = Int(parts[2]), p >= 0, d >= 0 else { return nil }
            self = .opencl(platform: p, device: d)
        }
    }

    /// The backend this choice names on this machine, and a line saying what was picked and why.
    public func backend(threads: Int) throws(ComputeError) -> (backend: any ComputeBackend, note: String) {
        switch self {
        case .cpu:
            return (CPUBackend(threads: threads), "CPU backend, \(threads) threads")
        case .auto:
            let devices = (try? OpenCLDevices.all()) ?? []
            guard let gpu = devices.first(where: \.isGPU) else {
                let why = devices.isEmpty ? "no OpenCL platform found" : "no OpenCL GPU among \(devices.count) device(s)"
                return (CPUBackend(threads: threads), "CPU backend, \(threads) threads (auto: \(why))")
            }
            let backend = try OpenCLBackend(device: gpu)
            return (backend, "\(backend.description) (auto: first OpenCL GPU)")
        case .anyOpenCL:
            let devices = try OpenCLDevices.all()
            guard let device = devices.first else {
                throw ComputeError("--device opencl: no OpenCL device found (the ICD loader lists no platform; install a driver, e.g. pocl-opencl-icd or the GPU vendor's)")
            }
            let backend = try OpenCLBackend(device: device)
            return (backend, backend.description)
        case .opencl(let p, let d):
            let devices = try OpenCLDevices.all()
            guard let device = devices.first(where: { $0.platformIndex == p && $0.deviceIndex == d }) else {
                let known = devices.map { "\($0.platformIndex):\($0.deviceIndex)" }.joined(separator: ", ")
                throw ComputeError("--device opencl:\(p):\(d): no such OpenCL device (found: \(known.isEmpty ? "none" : known); see `plotter devices`)")
            }
            let backend = try OpenCLBackend(device: device)
            return (backend, backend.description)
        }
    }
}
