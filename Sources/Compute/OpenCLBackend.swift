import COpenCL
import Foundation
import PoSpace

/// Forward propagation's hashing and matching as OpenCL kernels (kernels/*.cl, embedded at
/// build time) on one device. Work goes in slices that fit the device's largest allocation;
/// the host gathers each slice's inputs and puts matches in the CPU matcher's order.
public final class OpenCLBackend: ComputeBackend, @unchecked Sendable {
    // Used by one plotting thread at a time; OpenCL handles are safe to share between threads.
    public let device: OpenCLDeviceInfo
    private let context: cl_context
    private let queue: cl_command_queue
    private let program: cl_program
    private let kernels: [String: cl_kernel]
    /// Largest number of items a slice may hold, from the device's allocation limit.
    private let sliceLimit: Int

    /// The match kernels find a slot's entries by binary search in the right group.
    public var needsSortedGroups: Bool { true }

    public var description: String { "OpenCL device \(device.platformIndex):\(device.deviceIndex) \(device.name) (\(device.platformName))" }

    /// Creates a context and queue on `device` and builds the kernels; a build failure carries
    /// the compiler's log.
    public convenience init(device: OpenCLDeviceInfo) throws(ComputeError) {
        // The largest per-item buffer is Fx's input: y and up to 2·4 metadata units.
        try self.init(device: device, sliceLimit: max(1 << 16, min(1 << 22, device.maxAllocation / (9 * 8))))
    }

    /// `sliceLimit`: the most items one kernel launch takes (tests use small slices).
    init(device: OpenCLDeviceInfo, sliceLimit: Int) throws(ComputeError) {
        self.device = device
        var status: cl_int = CL_SUCCESS
        var id: cl_device_id? = device.device
        guard let context = clCreateContext(nil, 1, &id, nil, nil, &status) else {
            try OpenCLError.check(status, "clCreateContext")
            throw ComputeError("OpenCL clCreateContext returned no context")
        }
        self.context = context
        guard let queue = clCreateCommandQueue(context, device.device, 0, &status) else {
            clReleaseContext(context)
            try OpenCLError.check(status, "clCreateCommandQueue")
            throw ComputeError("OpenCL clCreateCommandQueue returned no queue")
        }
        self.queue = queue
        do {
            program = try OpenCLBackend.build(context: context, device: device)
        } catch {
            clReleaseCommandQueue(queue)
            clReleaseContext(context)
            throw error
        }
        var made = [String: cl_kernel]()
        for name in ["chacha8_blocks", "f1_extract", "fx", "match_slots", "match_count", "match_write"] {
            guard let kernel = clCreateKernel(program, name, &status) else {
                made.values.forEach { clReleaseKernel($0) }
                clReleaseProgram(program)
                clReleaseCommandQueue(queue)
                clReleaseContext(context)
                try OpenCLError.check(status, "clCreateKernel(\(name))")
                throw ComputeError("OpenCL clCreateKernel(\(name)) returned no kernel")
            }
            made[name] = kernel
        }
        kernels = made
        self.sliceLimit = sliceLimit
    }

    deinit {
        kernels.values.forEach { clReleaseKernel($0) }
        clReleaseProgram(program)
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    private static func build(context: cl_context, device: OpenCLDeviceInfo) throws(ComputeError) -> cl_program {
        var status: cl_int = CL_SUCCESS
        let texts = EmbeddedKernels.sources.map(\.text)
        let program: cl_program? = withCStrings(texts) { pointers in
            var lengths = texts.map { $0.utf8.count }
            return pointers.withUnsafeMutableBufferPointer { p in
                clCreateProgramWithSource(context, cl_uint(texts.count), p.baseAddress, &lengths, &status)
            }
        }
        guard let program else {
            try OpenCLError.check(status, "clCreateProgramWithSource")
            throw ComputeError("OpenCL clCreateProgramWithSource returned no program")
        }
        var id: cl_device_id? = device.device
        let built = clBuildProgram(program, 1, &id, "-cl-std=CL1.2", nil, nil)
        guard built == CL_SUCCESS else {
            var size = 0
            clGetProgramBuildInfo(program, device.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
            var log = [UInt8](repeating: 0, count: size + 1)
            clGetProgramBuildInfo(program, device.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &log, nil)
            clReleaseProgram(program)
            let text = String(decoding: log.prefix { $0 != 0 }, as: UTF8.self)
            throw ComputeError("OpenCL kernel build failed on \(device.name) (\(OpenCLError.name(built))):\n\(text)")
        }
        return program
    }

    // MARK: The three operations

    public func f1(k: Int, plotID: PlotID, start: Int, into ys: UnsafeMutableBufferPointer<UInt64>) throws(ComputeError) {
        var key = [UInt32](repeating: 0, count: 8)
        let bytes = [UInt8(1)] + plotID.bytes.prefix(31)
        for i in 0..<32 { key[i / 4] |= UInt32(bytes[i]) << UInt32(8 * (i % 4)) }
        let keyBuffer = try DeviceBuffer(context: context, bytes: 32)
        try write(key, to: keyBuffer)
        var done = 0
        while done < ys.count {
            let count = min(sliceLimit, ys.count - done)
            let firstX = UInt64(start + done)
            let firstBit = firstX * UInt64(k)
            let firstBlock = firstBit >> 9
            let lastBlock = (firstBit + UInt64(count) * UInt64(k) - 1) >> 9
            let blockCount = Int(lastBlock - firstBlock + 1)
            // One spare word after the last block for reads that straddle its end.
            let stream = try DeviceBuffer(context: context, bytes: (blockCount * 8 + 1) * 8)
            let out = try DeviceBuffer(context: context, bytes: count * 8)
            try run("chacha8_blocks", items: blockCount,
                    .buffer(keyBuffer), .u64(firstBlock), .u32(UInt32(blockCount)), .buffer(stream))
            try run("f1_extract", items: count,
                    .u64(firstX), .u32(UInt32(count)), .u32(UInt32(k)), .u64(firstBlock << 9), .buffer(stream), .buffer(out))
            try read(out, into: UnsafeMutableBufferPointer(rebasing: ys[done..<(done + count)]))
            done += count
        }
    }

    public func fx(k: Int, table: Int, previous: TableColumns, left: UnsafeBufferPointer<UInt32>, right: UnsafeBufferPointer<UInt32>,
                   outY: UnsafeMutableBufferPointer<UInt64>, outMeta: UnsafeMutableBufferPointer<UInt32>) throws(ComputeError) {
        let inUnits = previous.units, outUnits = Parameters.metadataUnits(ofTable: table)
        let slice = min(sliceLimit, max(1, left.count))
        var yIn = [UInt64](repeating: 0, count: slice)
        var metaIn = [UInt32](repeating: 0, count: slice * 2 * max(1, inUnits))
        var done = 0
        while done < left.count {
            let count = min(slice, left.count - done)
            yIn.withUnsafeMutableBufferPointer { y in
                metaIn.withUnsafeMutableBufferPointer { m in
                    previous.gather(left: left, right: right, range: done..<(done + count), y: y.baseAddress!, meta: m.baseAddress!)
                }
            }
            let yBuffer = try DeviceBuffer(context: context, bytes: count * 8)
            let metaBuffer = try DeviceBuffer(context: context, bytes: max(8, count * 2 * inUnits * 4))
            let outYBuffer = try DeviceBuffer(context: context, bytes: count * 8)
            let outMetaBuffer = try DeviceBuffer(context: context, bytes: max(8, count * outUnits * 4))
            try write(Array(yIn[..<count]), to: yBuffer)
            try write(Array(metaIn[..<(count * 2 * inUnits)]), to: metaBuffer)
            try run("fx", items: count, .u32(UInt32(k)), .u32(UInt32(table)), .u32(UInt32(count)),
                    .buffer(yBuffer), .buffer(metaBuffer), .buffer(outYBuffer), .buffer(outMetaBuffer))
            try read(outYBuffer, into: UnsafeMutableBufferPointer(rebasing: outY[done..<(done + count)]))
            if outUnits > 0 {
                try read(outMetaBuffer, into: UnsafeMutableBufferPointer(rebasing: outMeta[(done * outUnits)..<((done + count) * outUnits)]))
            }
            done += count
        }
    }

    public func matches(y: UnsafeBufferPointer<UInt64>) throws(ComputeError) -> (left: [UInt32], right: [UInt32]) {
        let groups = Bucket.split(y)
        var left = [UInt32](), right = [UInt32]()
        var first = 0
        while first < groups.count {
            // Whole groups up to the slice limit as left sides, plus the group after them.
            var last = first
            while last + 1 < groups.count, groups[last + 1].range.upperBound - groups[first].range.lowerBound <= sliceLimit { last += 1 }
            let slice = groups[first...min(last + 1, groups.count - 1)]
            let base = slice.first!.range.lowerBound
            let leftCount = groups[last].range.upperBound - base
            let entries = slice.last!.range.upperBound - base
            var starts = [UInt32](), ids = [UInt64](), groupOf = [UInt32](repeating: 0, count: entries)
            for (g, group) in slice.enumerated() {
                starts.append(UInt32(group.range.lowerBound - base))
                ids.append(group.id)
                for i in group.range { groupOf[i - base] = UInt32(g) }
            }
            starts.append(UInt32(entries))

            let yBuffer = try DeviceBuffer(context: context, bytes: entries * 8)
            let groupOfBuffer = try DeviceBuffer(context: context, bytes: entries * 4)
            let idsBuffer = try DeviceBuffer(context: context, bytes: ids.count * 8)
            let startsBuffer = try DeviceBuffer(context: context, bytes: starts.count * 4)
            let slotsBuffer = try DeviceBuffer(context: context, bytes: slice.count * OpenCLBackend.slotWords * 4)
            let countsBuffer = try DeviceBuffer(context: context, bytes: leftCount * 4)
            try write(Array(y[base..<(base + entries)]), to: yBuffer)
            try write(groupOf, to: groupOfBuffer)
            try write(ids, to: idsBuffer)
            try write(starts, to: startsBuffer)
            try write([UInt32](repeating: 0, count: slice.count * OpenCLBackend.slotWords), to: slotsBuffer)
            try run("match_slots", items: entries, .u32(UInt32(entries)), .buffer(yBuffer), .buffer(groupOfBuffer),
                    .buffer(idsBuffer), .buffer(slotsBuffer))
            let groupArguments: [Argument] = [.buffer(yBuffer), .buffer(groupOfBuffer), .buffer(idsBuffer), .buffer(startsBuffer),
                                              .u32(UInt32(slice.count)), .buffer(slotsBuffer)]
            try run("match_count", items: leftCount, [.u32(UInt32(leftCount))] + groupArguments + [.buffer(countsBuffer)])
            var counts = [UInt32](repeating: 0, count: leftCount)
            try counts.withUnsafeMutableBufferPointer { (c) throws(ComputeError) in try read(countsBuffer, into: c) }
            var offsets = [UInt32](repeating: 0, count: leftCount)
            var total = 0
            for i in 0..<leftCount {
                offsets[i] = UInt32(total)
                total += Int(counts[i])
            }
            if total > 0 {
                let offsetsBuffer = try DeviceBuffer(context: context, bytes: leftCount * 4)
                let rightBuffer = try DeviceBuffer(context: context, bytes: total * 4)
                try write(offsets, to: offsetsBuffer)
                try run("match_write", items: leftCount,
                        [.u32(UInt32(leftCount))] + groupArguments + [.buffer(offsetsBuffer), .buffer(rightBuffer)])
                var rights = [UInt32](repeating: 0, count: total)
                try rights.withUnsafeMutableBufferPointer { (r) throws(ComputeError) in try read(rightBuffer, into: r) }
                left.reserveCapacity(left.count + total)
                right.reserveCapacity(right.count + total)
                for i in 0..<leftCount {
                    for j in 0..<Int(counts[i]) { left.append(UInt32(base + i)); right.append(UInt32(base) + rights[Int(offsets[i]) + j]) }
                }
            }
            first = last + 1
        }
        return (left, right)
    }

    /// Words of one group's slot bitmap (`SLOT_WORDS` in match.cl).
    private static let slotWords = (Int(Parameters.kBC) + 31) / 32

    // MARK: Plumbing

    private enum Argument {
        case buffer(DeviceBuffer)
        case u32(UInt32)
        case u64(UInt64)
    }

    private func run(_ name: String, items: Int, _ arguments: Argument...) throws(ComputeError) {
        try run(name, items: items, arguments)
    }

    /// Sets the arguments of kernel `name`, runs it over `items` work items and waits.
    private func run(_ name: String, items: Int, _ arguments: [Argument]) throws(ComputeError) {
        guard items > 0 else { return }
        let kernel = kernels[name]!
        for (index, argument) in arguments.enumerated() {
            let status: cl_int
            switch argument {
            case .buffer(let b):
                var memory: cl_mem? = b.memory
                status = clSetKernelArg(kernel, cl_uint(index), MemoryLayout<cl_mem>.size, &memory)
            case .u32(var v): status = clSetKernelArg(kernel, cl_uint(index), 4, &v)
            case .u64(var v): status = clSetKernelArg(kernel, cl_uint(index), 8, &v)
            }
            try OpenCLError.check(status, "clSetKernelArg(\(name), \(index))")
        }
        // A round global size lets the driver pick full work-groups (with an odd size some pick
        // groups of one); every kernel ignores the work items past its count.
        var global = (items + 255) / 256 * 256
        try OpenCLError.check(clEnqueueNDRangeKernel(queue, kernel, 1, nil, &global, nil, 0, nil, nil), "clEnqueueNDRangeKernel(\(name))")
        try OpenCLError.check(clFinish(queue), "clFinish(\(name))")
    }

    private func write<T>(_ values: [T], to buffer: DeviceBuffer) throws(ComputeError) {
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBytes {
            clEnqueueWriteBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, $0.count, $0.baseAddress, 0, nil, nil)
        }
        try OpenCLError.check(status, "clEnqueueWriteBuffer")
    }

    private func read<T>(_ buffer: DeviceBuffer, into values: UnsafeMutableBufferPointer<T>) throws(ComputeError) {
        guard values.count > 0 else { return }
        let status = clEnqueueReadBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, values.count * MemoryLayout<T>.stride,
                                         values.baseAddress, 0, nil, nil)
        try OpenCLError.check(status, "clEnqueueReadBuffer")
    }
}

/// A device buffer, released when dropped.
private final class DeviceBuffer {
    let memory: cl_mem

    init(context: cl_context, bytes: Int) throws(ComputeError) {
        var status: cl_int = CL_SUCCESS
        guard let memory = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), max(bytes, 8), nil, &status) else {
            try OpenCLError.check(status, "clCreateBuffer(\(bytes) bytes)")
            throw ComputeError("OpenCL clCreateBuffer returned no buffer")
        }
        self.memory = memory
    }

    deinit { clReleaseMemObject(memory) }
}

/// Calls `body` with C strings for `strings`, alive for the call.
private func withCStrings<R>(_ strings: [String], _ body: (inout [UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers = copies.map { UnsafePointer<CChar>($0) }
    return body(&pointers)
}
