import COpenCL
import Foundation
import Synchronization

/// One OpenCL device as the driver describes it. (Its handles are the driver's process-wide
/// identifiers, safe to pass between threads.)
public struct OpenCLDeviceInfo: @unchecked Sendable {
    /// Indices into the platform list and that platform's device list (`--device opencl:P:D`).
    public let platformIndex: Int
    public let deviceIndex: Int
    public let platformName: String
    public let name: String
    public let vendor: String
    public let isGPU: Bool
    public let globalMemory: Int
    public let maxAllocation: Int
    public let computeUnits: Int
    /// The device's OpenCL version string, e.g. "OpenCL 3.0 CUDA".
    public let version: String

    let platform: cl_platform_id
    let device: cl_device_id
}

/// The OpenCL platforms and devices the ICD loader finds.
public enum OpenCLDevices {
    /// The loader's answer when no driver (platform) is installed: CL_PLATFORM_NOT_FOUND_KHR.
    static let noPlatform: cl_int = -1001

    /// Held while listing: two first listings at once (the ICD loader setting up its drivers)
    /// left one of them with no device (ocl-icd 2.3 and POCL 3.1: `CL_DEVICE_NOT_FOUND` from
    /// clGetDeviceIDs on the platform the other listing found it on).
    private static let listing = Mutex(())

    /// Every device of every platform, in the loader's order; empty when no platform is installed.
    /// Safe to call from several threads at once.
    public static func all() throws(ComputeError) -> [OpenCLDeviceInfo] {
        try listing.withLock { _ throws(ComputeError) in try list() }
    }

    private static func list() throws(ComputeError) -> [OpenCLDeviceInfo] {
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        if status == noPlatform || (status == CL_SUCCESS && count == 0) { return [] }
        try OpenCLError.check(status, "clGetPlatformIDs")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(count))
        try OpenCLError.check(clGetPlatformIDs(count, &platforms, nil), "clGetPlatformIDs")
        var devices = [OpenCLDeviceInfo]()
        for (p, platform) in platforms.enumerated() {
            guard let platform else { continue }
            let platformName = try string { clGetPlatformInfo(platform, cl_platform_info(CL_PLATFORM_NAME), $0, $1, $2) }
            var deviceCount: cl_uint = 0
            let found = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount)
            if found == CL_DEVICE_NOT_FOUND { continue }
            try OpenCLError.check(found, "clGetDeviceIDs")
            var ids = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            try OpenCLError.check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &ids, nil), "clGetDeviceIDs")
            for (d, device) in ids.enumerated() {
                guard let device else { continue }
                func info(_ param: Int32) throws(ComputeError) -> String {
                    try string { clGetDeviceInfo(device, cl_device_info(param), $0, $1, $2) }
                }
                func number<T: FixedWidthInteger>(_ param: Int32, as: T.Type) throws(ComputeError) -> T {
                    var value: T = 0
                    try OpenCLError.check(clGetDeviceInfo(device, cl_device_info(param), MemoryLayout<T>.size, &value, nil),
                                          "clGetDeviceInfo")
                    return value
                }
                let type = try number(CL_DEVICE_TYPE, as: cl_device_type.self)
                devices.append(OpenCLDeviceInfo(
                    platformIndex: p, deviceIndex: d, platformName: platformName,
                    name: try info(CL_DEVICE_NAME), vendor: try info(CL_DEVICE_VENDOR),
                    isGPU: type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0,
                    globalMemory: Int(try number(CL_DEVICE_GLOBAL_MEM_SIZE, as: cl_ulong.self)),
                    maxAllocation: Int(try number(CL_DEVICE_MAX_MEM_ALLOC_SIZE, as: cl_ulong.self)),
                    computeUnits: Int(try number(CL_DEVICE_MAX_COMPUTE_UNITS, as: cl_uint.self)),
                    version: try info(CL_DEVICE_VERSION), platform: platform, device: device))
            }
        }
        return devices
    }

    /// A string-valued info query: asks for the size, then the text.
    private static func string(_ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) throws(ComputeError) -> String {
        var size = 0
        try OpenCLError.check(query(0, nil, &size), "clGet*Info")
        var bytes = [CChar](repeating: 0, count: size + 1)
        try OpenCLError.check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, "clGet*Info")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
    }
}
