import CLMDB
import Foundation

/// Reads one finished plot file. Opening checks the file thoroughly (see `init(path:)`); each
/// read then does one LMDB lookup, which points into the memory-mapped file without copying the
/// value, checks the value's header and the wanted frame's table entry (CRC-32C), and
/// decompresses only the frames asked for, verifying zstd's content checksum. Damage shows up as
/// a `PlotStoreError`, never as wrong bytes.
///
/// Thread safety: one reader may be used from many threads at once, which is why it is
/// `@unchecked Sendable`. The LMDB environment is opened read-only with `MDB_NOTLS` (read
/// transactions are not tied to threads) and `MDB_NOLOCK` (no reader table; nothing writes the
/// file), every call runs in a read transaction of its own that it ends before returning, LMDB
/// only reads shared environment state in such transactions, and the zstd decompression
/// contexts come from a lock-protected pool, one caller per context. All stored properties are
/// immutable after `init`.
public final class PlotReader: @unchecked Sendable {
    /// The plot file.
    public let path: URL
    /// The file's length in bytes when it was opened.
    public let fileSize: Int
    /// How many keys the writer put (not counting the container record).
    public let keyCount: Int

    private let environment: ReadEnvironment
    private let decompressors: ZstdDecompressorPool

    /// Opens the plot at `path` for reading.
    ///
    /// Before LMDB maps the file it checks that the path is a regular file, that both LMDB meta
    /// pages are sound, that the file is at least as long as the newer meta page says (otherwise
    /// `truncated`: LMDB would fault reading past the end), and walks the main B-tree's branch and
    /// leaf pages once, checking every page number, node and key order against the file (cost:
    /// one read of those pages, one 4 KiB page per 75 to 150 short keys; values are not read).
    /// Then LMDB opens the file and the container record must match the keys the walk found.
    ///
    /// Throws `notFound`, `notAPlot` (not a regular file, not LMDB, LMDB without a PlotStore
    /// record), `truncated`, `corrupt`, `unsupportedVersion`, `io` or `lmdb`.
    public init(path: URL) throws(PlotStoreError) {
        let file = path.path
        guard let found = try FileSystem.kind(of: file, operation: "look up the plot") else {
            throw PlotStoreError(.notFound(path: file))
        }
        guard found.kind == .regular else {
            throw PlotStoreError(.notAPlot(path: file, reason: found.kind == .directory ? "it is a directory" : "it is not a regular file"))
        }
        let fd = try FileSystem.open(file, flags: O_RDONLY, operation: "open the plot")
        let meta: LMDBLayout.Meta, contents: LMDBLayout.Contents
        do {
            defer { close(fd) }
            meta = try LMDBLayout.readMeta(fd: fd, fileSize: found.size, path: file)
            contents = try LMDBLayout.checkMainTree(fd: fd, fileSize: found.size, meta: meta, path: file)
        }
        let environment = try ReadEnvironment(path: file, fileSize: found.size, meta: meta)
        let decompressors = ZstdDecompressorPool()
        let record = try PlotReader.containerRecord(environment, decompressors: decompressors, path: file)
        guard record.version == ContainerRecord.currentVersion else {
            throw PlotStoreError(.unsupportedVersion(path: file, format: "container", found: record.version, supported: ContainerRecord.currentVersion))
        }
        guard record.keyCount &+ 1 == contents.entries, record.keyCount < UInt64(Int.max) else {
            throw PlotStoreError(.corrupt(path: file, key: nil, reason: "the container record counts \(record.keyCount) keys, "
                + "LMDB holds \(contents.entries) entries including the record"))
        }
        guard record.keyDigest == contents.keyDigest.value else {
            throw PlotStoreError(.corrupt(path: file, key: nil, reason: "the keys in the file differ from the keys the writer put (key digest mismatch)"))
        }
        self.path = path
        self.fileSize = found.size
        self.keyCount = Int(record.keyCount)
        self.environment = environment
        self.decompressors = decompressors
    }

    /// The number of frames stored under `key`, or nil if the plot has no such key.
    public func frameCount(_ key: PlotKey) throws(PlotStoreError) -> Int? {
        try environment.withValue(key) { (value: UnsafeRawBufferPointer) throws(PlotStoreError) -> Int in
            try FramedValue.header(of: value, key: key, path: environment.path).frameCount
        }
    }

    /// Frame `frame` of the value under `key`, decompressed, or nil if the plot has no such key.
    /// Reads and decompresses only that frame. Throws `invalidArgument` if the value has no
    /// frame `frame`, `corrupt` if any check fails.
    public func get(_ key: PlotKey, frame: Int) throws(PlotStoreError) -> [UInt8]? {
        try environment.withValue(key) { (value: UnsafeRawBufferPointer) throws(PlotStoreError) -> [UInt8] in
            let header = try FramedValue.header(of: value, key: key, path: environment.path)
            guard (0..<header.frameCount).contains(frame) else {
                throw PlotStoreError(.invalidArgument(reason: "frame \(frame) of key \(key) does not exist; it has \(header.frameCount) frames"))
            }
            let entry = try FramedValue.entry(frame, of: value, header: header, key: key, path: environment.path)
            return try decompress([entry], of: value, key: key, firstIndex: frame)
        }
    }

    /// All frames of the value under `key`, decompressed and concatenated, or nil if the plot
    /// has no such key.
    public func get(_ key: PlotKey) throws(PlotStoreError) -> [UInt8]? {
        try environment.withValue(key) { (value: UnsafeRawBufferPointer) throws(PlotStoreError) -> [UInt8] in
            let header = try FramedValue.header(of: value, key: key, path: environment.path)
            var entries: [FramedValue.Entry] = []
            entries.reserveCapacity(header.frameCount)
            for i in 0..<header.frameCount {
                entries.append(try FramedValue.entry(i, of: value, header: header, key: key, path: environment.path))
            }
            return try decompress(entries, of: value, key: key, firstIndex: 0)
        }
    }

    /// The keys that start with `prefix`, in LMDB's (byte) order; every key for an empty prefix.
    /// The container record's key is never listed.
    public func keys(prefix: [UInt8]) throws(PlotStoreError) -> [PlotKey] {
        try environment.keys(prefix: prefix).filter { $0 != PlotKey.container }
    }

    // MARK: Private

    /// Decompresses `entries` (frames `firstIndex`, `firstIndex + 1`, …) back to back into one array.
    private func decompress(_ entries: [FramedValue.Entry], of value: UnsafeRawBufferPointer, key: PlotKey,
                            firstIndex: Int) throws(PlotStoreError) -> [UInt8] {
        let total = entries.reduce(0) { $0 + $1.uncompressedLength }
        var problem: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            let output = UnsafeMutableRawBufferPointer(buffer)
            problem = decompressors.withContext { context -> String? in
                var offset = 0
                for (i, entry) in entries.enumerated() {
                    let frame = UnsafeRawBufferPointer(rebasing: value[entry.offset..<entry.offset + entry.compressedLength])
                    let destination = UnsafeMutableRawBufferPointer(rebasing: output[offset..<offset + entry.uncompressedLength])
                    if let failure = Zstd.decompressFrame(frame, contentSize: entry.uncompressedLength, into: destination, context: context) {
                        return "frame \(firstIndex + i): \(failure)"
                    }
                    offset += entry.uncompressedLength
                }
                return nil
            } ?? "zstd could not allocate a decompression context"
            count = problem == nil ? total : 0
        }
        if let problem { throw PlotStoreError(.corrupt(path: environment.path, key: key, reason: problem)) }
        return bytes
    }

    private static func containerRecord(_ environment: ReadEnvironment, decompressors: ZstdDecompressorPool,
                                        path: String) throws(PlotStoreError) -> ContainerRecord {
        let key = PlotKey.container
        let payload = try environment.withValue(key) { (value: UnsafeRawBufferPointer) throws(PlotStoreError) -> [UInt8] in
            let header = try FramedValue.header(of: value, key: key, path: path)
            guard header.frameCount == 1 else {
                throw PlotStoreError(.corrupt(path: path, key: key, reason: "the container record has \(header.frameCount) frames"))
            }
            let entry = try FramedValue.entry(0, of: value, header: header, key: key, path: path)
            guard entry.uncompressedLength == ContainerRecord.size else {
                throw PlotStoreError(.corrupt(path: path, key: key, reason: "the container record is \(entry.uncompressedLength) bytes"))
            }
            let frame = UnsafeRawBufferPointer(rebasing: value[entry.offset..<entry.offset + entry.compressedLength])
            var bytes = [UInt8](repeating: 0, count: ContainerRecord.size)
            let failure = bytes.withUnsafeMutableBytes { output in
                decompressors.withContext { Zstd.decompressFrame(frame, contentSize: ContainerRecord.size, into: output, context: $0) }
                    ?? "zstd could not allocate a decompression context"
            }
            if let failure { throw PlotStoreError(.corrupt(path: path, key: key, reason: failure)) }
            return bytes
        }
        guard let payload else {
            throw PlotStoreError(.notAPlot(path: path, reason: "an LMDB file without a PlotStore record: written by another program, or damaged"))
        }
        guard let record = ContainerRecord(payload) else {
            throw PlotStoreError(.corrupt(path: path, key: key, reason: "the container record is malformed"))
        }
        return record
    }
}

/// The read-only LMDB environment of one plot file; closes it when released.
private final class ReadEnvironment {
    let path: String
    private let environment: OpaquePointer
    private let database: MDB_dbi

    /// Opens `path` with LMDB, mapping exactly `fileSize` bytes. `meta` is what `LMDBLayout.readMeta`
    /// found and `checkMainTree` walked; LMDB must see the same, or the file changed meanwhile.
    init(path: String, fileSize: Int, meta: LMDBLayout.Meta) throws(PlotStoreError) {
        var created: OpaquePointer?
        var rc = mdb_env_create(&created)
        guard rc == 0, let environment = created else { throw LMDB.error(rc, path: path, operation: "create an LMDB environment") }
        func fail(_ code: Int32, _ operation: String) -> PlotStoreError {
            mdb_env_close(environment)
            if code == MDB_INVALID || code == MDB_VERSION_MISMATCH {
                return PlotStoreError(.notAPlot(path: path, reason: "LMDB cannot open it: " + (mdb_strerror(code).map { String(cString: $0) } ?? "\(code)")))
            }
            return LMDB.error(code, path: path, operation: operation)
        }
        // The map covers the file and no more; readMeta checked that this holds every page in use.
        rc = mdb_env_set_mapsize(environment, fileSize)
        guard rc == 0 else { throw fail(rc, "set the map size") }
        let flags = UInt32(MDB_RDONLY) | UInt32(MDB_NOSUBDIR) | UInt32(MDB_NOLOCK) | UInt32(MDB_NOTLS) | UInt32(MDB_NORDAHEAD)
        rc = mdb_env_open(environment, path, flags, 0o444)
        guard rc == 0 else { throw fail(rc, "open the plot") }
        var info = MDB_envinfo()
        rc = mdb_env_info(environment, &info)
        guard rc == 0 else { throw fail(rc, "read the environment's map") }
        guard UInt64(truncatingIfNeeded: info.me_last_pgno) == meta.lastPage,
              UInt64(truncatingIfNeeded: info.me_last_txnid) == meta.transactionID else {
            mdb_env_close(environment)
            throw PlotStoreError(.corrupt(path: path, key: nil, reason: "LMDB sees other meta pages than were checked; did the file change while opening?"))
        }
        var transaction: OpaquePointer?
        rc = mdb_txn_begin(environment, nil, UInt32(MDB_RDONLY), &transaction)
        guard rc == 0, let transaction else { throw fail(rc, "begin a read transaction") }
        var database: MDB_dbi = 0
        rc = mdb_dbi_open(transaction, nil, 0, &database)
        mdb_txn_abort(transaction)
        guard rc == 0 else { throw fail(rc, "open the main database") }

        self.path = path
        self.environment = environment
        self.database = database
    }

    deinit { mdb_env_close(environment) }

    /// Runs `body` on the value under `key`, in place in the map, within a read transaction of
    /// its own; nil if there is no such key.
    func withValue<R>(_ key: PlotKey, _ body: (UnsafeRawBufferPointer) throws(PlotStoreError) -> R) throws(PlotStoreError) -> R? {
        guard (1...PlotKey.maxLength).contains(key.bytes.count) else {
            throw PlotStoreError(.invalidArgument(reason: "key \(key) is \(key.bytes.count) bytes; keys are 1 to \(PlotKey.maxLength) bytes"))
        }
        let transaction = try beginRead()
        defer { mdb_txn_abort(transaction) }
        var data = MDB_val()
        let rc = key.bytes.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(transaction, database, &keyValue, &data)
        }
        if rc == MDB_NOTFOUND { return nil }
        guard rc == 0 else { throw LMDB.error(rc, path: path, operation: "look up key \(key)") }
        return try body(try bytes(of: data, key: key))
    }

    /// The keys starting with `prefix`, in order.
    func keys(prefix: [UInt8]) throws(PlotStoreError) -> [PlotKey] {
        let transaction = try beginRead()
        defer { mdb_txn_abort(transaction) }
        var opened: OpaquePointer?
        var rc = mdb_cursor_open(transaction, database, &opened)
        guard rc == 0, let cursor = opened else { throw LMDB.error(rc, path: path, operation: "open a cursor") }
        defer { mdb_cursor_close(cursor) }
        var keys: [PlotKey] = []
        var key = MDB_val(), data = MDB_val()
        if prefix.isEmpty || prefix.count > PlotKey.maxLength {
            rc = prefix.isEmpty ? mdb_cursor_get(cursor, &key, &data, MDB_FIRST) : MDB_NOTFOUND
        } else {
            rc = prefix.withUnsafeBytes { bytes in
                key = MDB_val(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                return mdb_cursor_get(cursor, &key, &data, MDB_SET_RANGE)
            }
        }
        while rc == 0 {
            let bytes = try self.bytes(of: key, key: nil)
            guard bytes.starts(with: prefix) else { break }
            keys.append(PlotKey(bytes: Array(bytes)))
            rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)
        }
        guard rc == 0 || rc == MDB_NOTFOUND else { throw LMDB.error(rc, path: path, operation: "list keys") }
        return keys
    }

    private func beginRead() throws(PlotStoreError) -> OpaquePointer {
        var transaction: OpaquePointer?
        let rc = mdb_txn_begin(environment, nil, UInt32(MDB_RDONLY), &transaction)
        guard rc == 0, let transaction else { throw LMDB.error(rc, path: path, operation: "begin a read transaction") }
        return transaction
    }

    /// The bytes `value` points to, in the map. `PlotReader.init` checked every page and node
    /// that LMDB can reach, so they lie inside the file.
    private func bytes(of value: MDB_val, key: PlotKey?) throws(PlotStoreError) -> UnsafeRawBufferPointer {
        guard let start = value.mv_data else {
            throw PlotStoreError(.corrupt(path: path, key: key, reason: "LMDB returned no bytes"))
        }
        return UnsafeRawBufferPointer(start: start, count: value.mv_size)
    }
}
