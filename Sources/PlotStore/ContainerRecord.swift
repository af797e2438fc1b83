import CLMDB

/// The record the writer stores last, under `PlotKey.container`: it marks the file as a complete
/// Daylight plot, says which container format it uses and pins down the set of keys. Its value
/// is a framed value (always layout version 1) of one frame holding 24 bytes, little-endian:
/// container format version (u32), reserved (u32, 0), number of other keys (u64), their
/// `KeyDigest` (u64).
struct ContainerRecord: Equatable {
    /// The container format this build writes and reads.
    static let currentVersion = 1
    static let size = 24

    let version: Int
    let keyCount: UInt64
    let keyDigest: UInt64

    init(version: Int, keyCount: UInt64, keyDigest: UInt64) {
        self.version = version
        self.keyCount = keyCount
        self.keyDigest = keyDigest
    }

    /// Parses the record's payload; nil if it is not `size` bytes.
    init?(_ bytes: [UInt8]) {
        guard bytes.count == ContainerRecord.size else { return nil }
        let fields = bytes.withUnsafeBytes { raw in
            (UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        }
        self.init(version: Int(fields.0), keyCount: fields.1, keyDigest: fields.2)
    }

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt32(version).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(0).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: keyCount.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: keyDigest.littleEndian) { bytes += $0 }
        return bytes
    }
}

/// An order-independent digest of a set of keys: the wrapping sum of each key's 64-bit FNV-1a
/// hash. The writer adds keys as they are put; the reader adds the keys it finds in the B-tree.
/// A key changed on disk changes its hash (FNV-1a steps are invertible), so the sums differ.
struct KeyDigest: Equatable {
    private(set) var value: UInt64 = 0

    mutating func add(_ key: some Sequence<UInt8>) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value &+= hash
    }
}

/// Turning LMDB return codes into errors.
enum LMDB {
    /// LMDB returns C errno values for system failures and its own negative codes otherwise;
    /// the first become `io` errors, the second `lmdb` errors.
    static func error(_ code: Int32, path: String, operation: String) -> PlotStoreError {
        if code > 0 { return FileSystem.ioError(path, operation, code) }
        let message = mdb_strerror(code).map { String(cString: $0) } ?? "LMDB error \(code)"
        return PlotStoreError(.lmdb(path: path, operation: operation, code: code, message: message))
    }
}
