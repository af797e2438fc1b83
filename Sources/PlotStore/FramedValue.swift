import CZstd

/// The layout of one stored value (docs/plot-format.md, "Value layout"): a fixed header, a frame
/// table, then independently compressed zstd frames. All integers are little-endian.
///
/// ```
/// offset      size  field
/// 0           4     magic "DLFV"
/// 4           2     layout version (1)
/// 6           2     flags (0)
/// 8           4     frame count N
/// 12          4     header CRC-32C over key bytes ‖ bytes 0..<12
/// 16 + 16·i   4     frame i: offset of its compressed bytes from the start of the value
///             4     frame i: compressed length
///             4     frame i: uncompressed length
///             4     frame i: CRC-32C over header CRC ‖ i ‖ the three fields above (each u32 LE)
/// 16 + 16·N   …     the frames, in order, back to back
/// ```
enum FramedValue {
    static let magic: [UInt8] = Array("DLFV".utf8)
    static let version: UInt16 = 1
    static let fixedHeaderSize = 16
    static let entrySize = 16
    /// LMDB stores values of at most 2³² − 1 bytes; offsets and lengths are u32.
    static let maxValueSize = Int(UInt32.max)

    /// Where one frame lies in a value.
    struct Entry {
        let offset: Int
        let compressedLength: Int
        let uncompressedLength: Int
    }

    /// The checked fixed header of a value.
    struct Header {
        let frameCount: Int
        let crc: UInt32
        var tableEnd: Int { FramedValue.fixedHeaderSize + FramedValue.entrySize * frameCount }
    }

    // MARK: Writing

    /// Compresses each frame, at `level` or, if nearly random, at `Zstd.fastLevel`, and lays out
    /// the value. Throws `invalidArgument` for frames or values too large for the layout, `zstd`
    /// if compression fails.
    static func encode(key: PlotKey, frames: [Frame], level: Int32, compressor: ZstdCompressor,
                       path: String) throws(PlotStoreError) -> [UInt8] {
        guard frames.count <= Int(UInt32.max) else {
            throw PlotStoreError(.invalidArgument(reason: "value for key \(key) has \(frames.count) frames; at most \(UInt32.max)"))
        }
        let tableEnd = fixedHeaderSize + entrySize * frames.count
        var capacity = tableEnd
        for (i, frame) in frames.enumerated() {
            guard frame.bytes.count <= Int(UInt32.max) else {
                throw PlotStoreError(.invalidArgument(reason: "frame \(i) of key \(key) is \(frame.bytes.count) bytes; a frame holds at most \(UInt32.max)"))
            }
            capacity += ZSTD_compressBound(frame.bytes.count)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(frames.count)
        var failure: PlotStoreError?
        let value = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var offset = tableEnd
            for (i, frame) in frames.enumerated() {
                let destination = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[offset...]))
                let frameLevel = frame.isNearlyRandom ? Zstd.fastLevel : level
                switch frame.bytes.withUnsafeBytes({ compressor.compress($0, into: destination, level: frameLevel) }) {
                case .success(let length):
                    entries.append(Entry(offset: offset, compressedLength: length, uncompressedLength: frame.bytes.count))
                    offset += length
                case .failure(let zstdFailure):
                    failure = PlotStoreError(.zstd(path: path, operation: "compress frame \(i) of key \(key)", message: zstdFailure.message))
                    count = 0
                    return
                }
            }
            let header = headerBytes(key: key, frameCount: frames.count)
            let headerCRC = crc(ofHeader: header, key: key)
            var table = header
            for (i, entry) in entries.enumerated() { table += entryBytes(entry, index: i, headerCRC: headerCRC) }
            for (i, byte) in table.enumerated() { buffer[i] = byte }
            count = offset
        }
        if let failure { throw failure }
        guard value.count <= maxValueSize else {
            throw PlotStoreError(.invalidArgument(reason: "value for key \(key) compresses to \(value.count) bytes; "
                + "LMDB stores at most \(maxValueSize) bytes per value, split it across keys"))
        }
        return value
    }

    /// The 16-byte fixed header, with its CRC.
    private static func headerBytes(key: PlotKey, frameCount: Int) -> [UInt8] {
        var bytes = magic
        append(&bytes, UInt32(version))  // version u16 LE, then flags u16 = 0
        append(&bytes, UInt32(frameCount))
        append(&bytes, crc(ofHeader: bytes, key: key))
        return bytes
    }

    private static func entryBytes(_ entry: Entry, index: Int, headerCRC: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entrySize)
        append(&bytes, UInt32(entry.offset))
        append(&bytes, UInt32(entry.compressedLength))
        append(&bytes, UInt32(entry.uncompressedLength))
        append(&bytes, crc(ofEntry: bytes, index: index, headerCRC: headerCRC))
        return bytes
    }

    private static func append(_ bytes: inout [UInt8], _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    // MARK: Checksums

    /// CRC-32C over the key and the first 12 header bytes: a value moved under another key fails it.
    private static func crc(ofHeader first12: some Collection<UInt8>, key: PlotKey) -> UInt32 {
        var crc = CRC32C.Running()
        crc.update(key.bytes)
        crc.update(first12.prefix(12))
        return crc.value
    }

    /// CRC-32C over the header CRC, the frame index and the entry's first 12 bytes.
    private static func crc(ofEntry first12: some Collection<UInt8>, index: Int, headerCRC: UInt32) -> UInt32 {
        var crc = CRC32C.Running()
        crc.update(littleEndian: headerCRC)
        crc.update(littleEndian: UInt32(truncatingIfNeeded: index))
        crc.update(first12.prefix(12))
        return crc.value
    }

    // MARK: Reading

    /// Checks the fixed header of `value` (stored under `key`).
    static func header(of value: UnsafeRawBufferPointer, key: PlotKey, path: String) throws(PlotStoreError) -> Header {
        func corrupt(_ reason: String) -> PlotStoreError { PlotStoreError(.corrupt(path: path, key: key, reason: reason)) }
        guard value.count >= fixedHeaderSize else { throw corrupt("value is \(value.count) bytes, shorter than the \(fixedHeaderSize)-byte header") }
        guard value.prefix(4).elementsEqual(magic) else { throw corrupt("value header magic is wrong") }
        let stored = u32(value, 12)
        guard crc(ofHeader: value.prefix(12), key: key) == stored else { throw corrupt("value header checksum mismatch") }
        let foundVersion = u16(value, 4)
        guard foundVersion == version else {
            throw PlotStoreError(.unsupportedVersion(path: path, format: "value layout", found: Int(foundVersion), supported: Int(version)))
        }
        guard u16(value, 6) == 0 else { throw corrupt("value header has unknown flags \(u16(value, 6))") }
        let header = Header(frameCount: Int(u32(value, 8)), crc: stored)
        guard header.tableEnd <= value.count else {
            throw corrupt("value is \(value.count) bytes, too short for its table of \(header.frameCount) frames")
        }
        return header
    }

    /// Checks entry `index` of the frame table (after `header(of:)` passed) and returns it.
    static func entry(_ index: Int, of value: UnsafeRawBufferPointer, header: Header, key: PlotKey, path: String) throws(PlotStoreError) -> Entry {
        func corrupt(_ reason: String) -> PlotStoreError { PlotStoreError(.corrupt(path: path, key: key, reason: reason)) }
        let start = fixedHeaderSize + entrySize * index
        let fields = UnsafeRawBufferPointer(rebasing: value[start..<start + entrySize])
        guard crc(ofEntry: fields.prefix(12), index: index, headerCRC: header.crc) == u32(fields, 12) else {
            throw corrupt("frame table entry \(index) checksum mismatch")
        }
        let entry = Entry(offset: Int(u32(fields, 0)), compressedLength: Int(u32(fields, 4)), uncompressedLength: Int(u32(fields, 8)))
        guard entry.offset >= header.tableEnd, entry.offset + entry.compressedLength <= value.count else {
            throw corrupt("frame \(index) lies at bytes \(entry.offset)..<\(entry.offset + entry.compressedLength), outside the value's data (\(header.tableEnd)..<\(value.count))")
        }
        return entry
    }

    private static func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    private static func u32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
