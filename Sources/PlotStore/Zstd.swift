import CZstd
import Foundation

/// One zstd compression context with the store's fixed settings: the chosen level, zstd's content
/// checksum on, the content size in the frame header, single-threaded. The same input and level
/// give the same frame every time (with the same libzstd version).
final class ZstdCompressor {
    private let context: OpaquePointer
    /// The level the context is set to now.
    private var level: Int32

    /// Fails only if zstd cannot allocate a context or rejects a setting.
    init(level: Int32, path: String) throws(PlotStoreError) {
        guard let context = ZSTD_createCCtx() else {
            throw PlotStoreError(.zstd(path: path, operation: "create a compression context", message: "out of memory"))
        }
        self.context = context
        self.level = level
        for (parameter, value) in [(ZSTD_c_compressionLevel, level), (ZSTD_c_checksumFlag, 1),
                                   (ZSTD_c_contentSizeFlag, 1), (ZSTD_c_nbWorkers, 0)] {
            let result = ZSTD_CCtx_setParameter(context, parameter, value)
            if ZSTD_isError(result) != 0 {
                throw PlotStoreError(.zstd(path: path, operation: "set compression parameter \(parameter.rawValue) to \(value)",
                                           message: Zstd.errorName(result)))
            }
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `source` into one frame in `destination` (at least `ZSTD_compressBound` bytes)
    /// at `level` (default: the context's level); returns the frame's length or zstd's error text.
    func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                  level: Int32? = nil) -> Result<Int, Zstd.Failure> {
        if let level, level != self.level {
            let result = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
            if ZSTD_isError(result) != 0 { return .failure(Zstd.Failure(message: Zstd.errorName(result))) }
            self.level = level
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
            // zstd wants real pointers even for empty buffers.
            let src = source.baseAddress ?? UnsafeRawPointer(empty.baseAddress!)
            let dst = destination.baseAddress ?? UnsafeMutableRawPointer(empty.baseAddress!)
            let result = ZSTD_compress2(context, dst, destination.count, src, source.count)
            return ZSTD_isError(result) != 0 ? .failure(Zstd.Failure(message: Zstd.errorName(result))) : .success(result)
        }
    }
}

/// zstd helpers shared by the writer and the reader.
enum Zstd {
    struct Failure: Error { let message: String }

    /// The frame magic number, as the first four bytes of a frame (little-endian).
    static let frameMagic: UInt32 = 0xFD2F_B528

    static func errorName(_ code: Int) -> String { String(cString: ZSTD_getErrorName(code)) }

    static var levels: ClosedRange<Int32> { ZSTD_minCLevel()...ZSTD_maxCLevel() }

    /// The level for nearly random frames (`Frame.isNearlyRandom`): a negative level, at which zstd
    /// skips ahead fast and leaves literals as they are. Such bytes are stored raw at any level,
    /// so the frames are as small as at level 1, in a third of the time.
    static let fastLevel: Int32 = -100

    /// Checks that `frame` is exactly one zstd frame of `contentSize` bytes with the content
    /// checksum on, then decompresses it into `destination` (exactly `contentSize` bytes). zstd
    /// verifies the checksum. Returns nil on success, else what is wrong.
    static func decompressFrame(_ frame: UnsafeRawBufferPointer, contentSize: Int,
                                into destination: UnsafeMutableRawBufferPointer, context: OpaquePointer) -> String? {
        guard frame.count >= 6, let start = frame.baseAddress else { return "zstd frame of \(frame.count) bytes is too short" }
        guard frame.loadUnaligned(as: UInt32.self).littleEndian == frameMagic else { return "zstd frame magic number is wrong" }
        let descriptor = frame[4]
        // Frame_Header_Descriptor: bit 2 content checksum, bit 3 reserved (0), bits 0-1 dictionary id size.
        guard descriptor & 0x04 != 0 else { return "zstd frame has no content checksum" }
        guard descriptor & 0x0B == 0 else { return "zstd frame header has reserved or dictionary bits set" }
        let declared = ZSTD_getFrameContentSize(start, frame.count)
        guard declared == UInt64(contentSize) else {
            return "zstd frame declares \(declared >= UInt64.max - 1 ? "no valid" : String(declared)) content bytes, the header says \(contentSize)"
        }
        let compressedSize = ZSTD_findFrameCompressedSize(start, frame.count)
        guard ZSTD_isError(compressedSize) == 0 else { return "zstd frame is malformed: \(errorName(compressedSize))" }
        guard compressedSize == frame.count else { return "zstd frame is \(compressedSize) bytes, the header says \(frame.count)" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { empty in
            let dst = destination.baseAddress ?? UnsafeMutableRawPointer(empty.baseAddress!)
            let result = ZSTD_decompressDCtx(context, dst, destination.count, start, frame.count)
            if ZSTD_isError(result) != 0 { return "zstd: \(errorName(result))" }
            return result == contentSize ? nil : "zstd frame decompressed to \(result) bytes, the header says \(contentSize)"
        }
    }
}

/// Decompression contexts for concurrent readers: each call takes one (or makes one) and puts
/// it back, so steady-state reads allocate no zstd state.
final class ZstdDecompressorPool: @unchecked Sendable {
    // Safety: `idle` is only touched while holding `lock`; a context is used by one caller at a time.
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    private let maxIdle = 64

    deinit { for context in idle { ZSTD_freeDCtx(context) } }

    /// Runs `body` with a decompression context of its own; nil if zstd cannot allocate one.
    func withContext<R>(_ body: (OpaquePointer) -> R) -> R? {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        guard let context = pooled ?? ZSTD_createDCtx() else { return nil }
        let result = body(context)
        lock.lock()
        if idle.count < maxIdle {
            idle.append(context)
            lock.unlock()
        } else {
            lock.unlock()
            ZSTD_freeDCtx(context)
        }
        return result
    }
}
