import COpenCL

/// OpenCL status codes as errors that name the call and the code.
enum OpenCLError {
    static func check(_ status: cl_int, _ call: String) throws(ComputeError) {
        guard status != CL_SUCCESS else { return }
        throw ComputeError("OpenCL \(call) failed: \(name(status)) (\(status))")
    }

    static func name(_ status: cl_int) -> String {
        switch status {
        case CL_DEVICE_NOT_FOUND: "device not found"
        case CL_DEVICE_NOT_AVAILABLE: "device not available"
        case CL_COMPILER_NOT_AVAILABLE: "compiler not available"
        case CL_MEM_OBJECT_ALLOCATION_FAILURE: "device memory allocation failed"
        case CL_OUT_OF_RESOURCES: "out of resources"
        case CL_OUT_OF_HOST_MEMORY: "out of host memory"
        case CL_BUILD_PROGRAM_FAILURE: "kernel build failed"
        case CL_INVALID_VALUE: "invalid value"
        case CL_INVALID_DEVICE: "invalid device"
        case CL_INVALID_BUFFER_SIZE: "invalid buffer size"
        case CL_INVALID_KERNEL_ARGS: "invalid kernel arguments"
        case CL_INVALID_WORK_GROUP_SIZE: "invalid work-group size"
        case -1001: "no OpenCL platform installed"
        default: "error"
        }
    }
}
