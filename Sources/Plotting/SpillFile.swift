import Foundation

/// A temporary file for plotting data that does not fit the memory limit. It is unlinked as
/// soon as it is created, so it lives only as long as the plotter holds it: a killed run
/// leaves nothing behind in the temporary folder, and its space comes back at once.
final class SpillFile {
    /// Bytes written so far.
    private(set) var size = 0
    private let descriptor: Int32
    private let directory: String

    init(in directory: URL) throws(PlotterError) {
        self.directory = directory.path
        var template = Array((directory.path + "/.daylight-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .temporaryStorage(path: directory.path, operation: "create a temporary file", code: errno) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(path)
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Appends `bytes` at the end.
    func append(_ bytes: UnsafeRawBufferPointer) throws(PlotterError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(size + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .temporaryStorage(path: directory, operation: "write \(bytes.count) bytes of temporary data", code: errno)
            }
            done += n
        }
        size += bytes.count
    }

    /// Appends the elements of `values`.
    func append<T: BitwiseCopyable>(_ values: UnsafeBufferPointer<T>) throws(PlotterError) {
        try append(UnsafeRawBufferPointer(values))
    }

    /// Fills `bytes` from `offset`, which with `bytes.count` must lie within what was written.
    func read(at offset: Int, into bytes: UnsafeMutableRawBufferPointer) throws(PlotterError) {
        var done = 0
        while done < bytes.count {
            let n = pread(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw .temporaryStorage(path: directory, operation: "read back temporary data", code: n < 0 ? errno : EIO)
            }
            done += n
        }
    }

    /// Reads the elements from element `start` on into `values`.
    func read<T: BitwiseCopyable>(from start: Int, into values: UnsafeMutableBufferPointer<T>) throws(PlotterError) {
        try read(at: start * MemoryLayout<T>.stride, into: UnsafeMutableRawBufferPointer(values))
    }

    /// Drops the contents, giving the space back.
    func truncate() {
        ftruncate(descriptor, 0)
        size = 0
    }
}
