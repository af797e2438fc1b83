#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file calls the store needs, each turning a failure into a `PlotStoreError.io`
/// that names the path and the operation.
enum FileSystem {
    enum Kind { case regular, directory, other }

    /// What is at `path` (following symbolic links), or nil when nothing is; throws for other errors
    /// (e.g. a path component that is a file: ENOTDIR).
    static func kind(of path: String, operation: String) throws(PlotStoreError) -> (kind: Kind, size: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw ioError(path, operation, code)
        }
        let format = UInt32(info.st_mode) & 0o170000
        let kind: Kind = format == 0o100000 ? .regular : format == 0o040000 ? .directory : .other
        return (kind, Int(info.st_size))
    }

    /// Removes the file at `path`; nothing there is fine.
    static func removeIfPresent(_ path: String, operation: String) throws(PlotStoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw ioError(path, operation, errno) }
    }

    /// Opens `path` with `flags`, or throws.
    static func open(_ path: String, flags: Int32, operation: String) throws(PlotStoreError) -> Int32 {
        let fd = path.withCString { cPath in retryingOnInterrupt { systemOpen(cPath, flags | O_CLOEXEC) } }
        guard fd >= 0 else { throw ioError(path, operation, errno) }
        return fd
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws(PlotStoreError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                retryingOnInterrupt { pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done)) }
            }
            if n < 0 { throw ioError(path, "read", errno) }
            if n == 0 { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }

    /// Sets the length of the file at `path` to `length` (if it differs) and flushes it to the disk.
    static func setLengthAndSync(_ path: String, length: Int) throws(PlotStoreError) {
        let fd = try open(path, flags: O_RDWR, operation: "open the finished plot to sync it")
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError(path, "stat the finished plot", errno) }
        if Int(info.st_size) != length, retryingOnInterrupt({ ftruncate(fd, off_t(length)) }) != 0 {
            throw ioError(path, "set the length of the finished plot", errno)
        }
        guard retryingOnInterrupt({ fsync(fd) }) == 0 else { throw ioError(path, "flush the plot to the disk (fsync)", errno) }
    }

    /// Tells the kernel the file's written pages are not needed again: Linux then starts writing
    /// the dirty ones to the disk without waiting for them, so the fsync that completes the file
    /// finds most of them written, and drops those already on the disk from its cache. Advice
    /// only: where it is ignored or refused, the fsync does all the work, as it would anyway.
    static func startWriteback(_ fd: Int32) {
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
        #endif
    }

    /// Flushes the directory entry changes (a rename) of `directory` to the disk.
    static func syncDirectory(_ directory: String) throws(PlotStoreError) {
        let fd = try open(directory, flags: O_RDONLY | O_DIRECTORY, operation: "open the directory to sync it")
        defer { close(fd) }
        // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as they allow.
        guard retryingOnInterrupt({ fsync(fd) }) == 0 || errno == EINVAL else {
            throw ioError(directory, "flush the directory to the disk (fsync)", errno)
        }
    }

    /// Renames `from` to `to` within one directory.
    static func rename(_ from: String, to: String) throws(PlotStoreError) {
        guard systemRename(from, to) == 0 else { throw ioError(to, "rename \(from) to its final name", errno) }
    }

    static func ioError(_ path: String, _ operation: String, _ code: Int32) -> PlotStoreError {
        PlotStoreError(.io(path: path, operation: operation, errno: code, message: errorMessage(code)))
    }

    static func errorMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    private static func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    private static func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 {
        #if canImport(Darwin)
        return Darwin.open(path, flags)
        #elseif canImport(Glibc)
        return Glibc.open(path, flags)
        #else
        return Musl.open(path, flags)
        #endif
    }

    private static func systemRename(_ from: String, _ to: String) -> Int32 {
        #if canImport(Darwin)
        return Darwin.rename(from, to)
        #elseif canImport(Glibc)
        return Glibc.rename(from, to)
        #else
        return Musl.rename(from, to)
        #endif
    }
}
