import CLMDB
import Foundation
import PoSpace

/// Writes one plot file: a single-file LMDB environment whose values are checksummed zstd frames
/// (docs/plot-format.md).
///
/// The writer works on a hidden partial file, `.<fileName>.partial`, in the output directory; the
/// final name appears only when `finish()` has made the complete file durable, so a plot under
/// its final name is always whole. Use it from one thread at a time.
///
/// Determinism: the same sequence of `put` calls (same keys, bytes, frames and compression level,
/// same map size) gives a byte-identical file, with the same LMDB and zstd versions and the same
/// LMDB page size (the OS page size). Transactions commit after every `putsPerTransaction` puts
/// or once `bytesPerTransaction` bytes of values are pending, whichever comes first, so commit
/// points depend only on the puts, never on time or memory.
public final class PlotWriter {
    /// LMDB's map size, the largest file the writer can make: 1 TiB. It is address space, not
    /// memory or disk; the file grows only as values are written. It is recorded in the file.
    public static let defaultMapSize = 1 << 40
    /// A transaction commits after this many puts…
    public static let putsPerTransaction = 1024
    /// …or once this many bytes of stored (compressed) values are pending, bounding the writer's
    /// memory to about this much plus one value. Small enough that the commit left for the end
    /// of a plot, after its last table, is short: at k = 24, with 64 MiB, phase 4 took 0.22–0.31 s
    /// in the runs where a large commit of the previous table fell into it, 0.10–0.16 s with 16.
    public static let bytesPerTransaction = 16 << 20

    /// Where the plot will be once `finish()` succeeds.
    public let finalURL: URL
    /// The partial file being written; removed by `abandon()`, renamed by `finish()`.
    public let partialURL: URL

    private let directoryPath: String
    private let finalPath: String
    private let partialPath: String
    private let compressor: ZstdCompressor
    private let compressionLevel: Int32
    private var environment: OpaquePointer?
    private var transaction: OpaquePointer?
    private let database: MDB_dbi
    private var putsInTransaction = 0
    private var bytesInTransaction = 0
    private var keyCount: UInt64 = 0
    private var keyDigest = KeyDigest()
    private var state = State.writing

    private enum State { case writing, finished, abandoned, failed }

    /// Starts a plot named `fileName` in `directory` (which must exist). Removes a partial file
    /// left by an interrupted run. Throws `alreadyExists` if `<directory>/<fileName>` exists, `io`
    /// if the directory cannot be used, `invalidArgument` for a bad name or compression level.
    ///
    /// - Parameters:
    ///   - compressionLevel: zstd's level for every frame (`ZSTD_minCLevel()…ZSTD_maxCLevel()`).
    ///   - mapSize: the largest file this writer can make, in bytes (see `defaultMapSize`).
    public init(directory: URL, fileName: String, compressionLevel: Int32 = 3,
                mapSize: Int = PlotWriter.defaultMapSize) throws(PlotStoreError) {
        guard !fileName.isEmpty, fileName != ".", fileName != "..", !fileName.contains("/"), !fileName.utf8.contains(0) else {
            throw PlotStoreError(.invalidArgument(reason: "plot file name '\(fileName)' must be a plain file name, without '/'"))
        }
        guard Zstd.levels.contains(compressionLevel) else {
            throw PlotStoreError(.invalidArgument(reason: "zstd compression level \(compressionLevel) is outside \(Zstd.levels)"))
        }
        guard mapSize > 0 else { throw PlotStoreError(.invalidArgument(reason: "map size \(mapSize) must be positive")) }
        let finalURL = directory.appendingPathComponent(fileName)
        let partialURL = directory.appendingPathComponent("." + fileName + ".partial")
        let directoryPath = directory.path, finalPath = finalURL.path, partialPath = partialURL.path

        guard let found = try FileSystem.kind(of: directoryPath, operation: "use it as the plot's output directory") else {
            throw FileSystem.ioError(directoryPath, "use it as the plot's output directory", ENOENT)
        }
        guard found.kind == .directory else { throw FileSystem.ioError(directoryPath, "use it as the plot's output directory", ENOTDIR) }
        if try FileSystem.kind(of: finalPath, operation: "check whether the plot exists") != nil {
            throw PlotStoreError(.alreadyExists(path: finalPath))
        }
        try FileSystem.removeIfPresent(partialPath, operation: "remove the partial plot left by an interrupted run")
        let compressor = try ZstdCompressor(level: compressionLevel, path: partialPath)
        let (environment, transaction, database) = try PlotWriter.openEnvironment(path: partialPath, mapSize: mapSize)

        self.finalURL = finalURL
        self.partialURL = partialURL
        self.directoryPath = directoryPath
        self.finalPath = finalPath
        self.partialPath = partialPath
        self.compressor = compressor
        self.compressionLevel = compressionLevel
        self.environment = environment
        self.transaction = transaction
        self.database = database
    }

    deinit { abandon() }

    /// Stores `frames` under `key` as one value: a checksummed header and frame table, then each
    /// frame compressed on its own (one zstd frame with its content checksum), so a reader can
    /// decompress any one frame alone. Frames may be empty. Each key can be put once.
    ///
    /// Throws `invalidArgument` for a key of 0 or more than `PlotKey.maxLength` bytes, a key
    /// already put, a frame over 4 GiB or a value that compresses to 4 GiB or more, or a writer that
    /// has finished or failed; `lmdb`/`io` when LMDB cannot store or commit (e.g. disk full). After
    /// an `lmdb` or `io` error the writer cannot continue: call `abandon()`.
    public func put(_ key: PlotKey, frames: [[UInt8]]) throws(PlotStoreError) {
        try checkWriting()
        try check(key)
        try add(try FramedValue.encode(key: key, frames: frames.map { Frame($0) }, level: compressionLevel,
                                       compressor: compressor, path: partialPath), under: key)
    }

    /// Stores several values, as `put(_:frames:)` would one after the other, but compresses
    /// them on up to `threads` threads first, nearly random frames at zstd's fast level. The
    /// file is the same as with single puts of the same frames at the same levels.
    public func put(_ values: [(key: PlotKey, frames: [Frame])], threads: Int) throws(PlotStoreError) {
        try checkWriting()
        for value in values { try check(value.key) }
        var encoded = [Result<[UInt8], PlotStoreError>](repeating: .success([]), count: values.count)
        let path = partialPath, level = compressionLevel
        encoded.withUnsafeMutableBufferPointer { out in
            Parallel.forEachSlice(count: values.count, threads: threads) { slice in
                // One compression context per thread: a context is not shareable.
                let context: ZstdCompressor
                do throws(PlotStoreError) { context = try ZstdCompressor(level: level, path: path) } catch {
                    for i in slice { out[i] = .failure(error) }
                    return
                }
                for i in slice {
                    do throws(PlotStoreError) { out[i] = .success(try FramedValue.encode(key: values[i].key, frames: values[i].frames, level: level,
                                                                                        compressor: context, path: path)) }
                    catch { out[i] = .failure(error) }
                }
            }
        }
        for (value, result) in zip(values, encoded) {
            switch result {
            case .success(let bytes): try add(bytes, under: value.key)
            case .failure(let error): throw error
            }
        }
    }

    private func check(_ key: PlotKey) throws(PlotStoreError) {
        guard (1...PlotKey.maxLength).contains(key.bytes.count) else {
            throw PlotStoreError(.invalidArgument(reason: "key \(key) is \(key.bytes.count) bytes; keys are 1 to \(PlotKey.maxLength) bytes"))
        }
        guard key != PlotKey.container else {
            throw PlotStoreError(.invalidArgument(reason: "key \(key) is reserved for the container record"))
        }
    }

    /// Stores an encoded value and commits when the transaction is full.
    private func add(_ value: [UInt8], under key: PlotKey) throws(PlotStoreError) {
        try store(value, under: key)
        keyCount += 1
        keyDigest.add(key.bytes)
        putsInTransaction += 1
        bytesInTransaction += value.count
        if putsInTransaction >= PlotWriter.putsPerTransaction || bytesInTransaction >= PlotWriter.bytesPerTransaction {
            try commitAndContinue()
        }
    }

    /// Stores `bytes` under `key` as a value of one frame.
    public func put(_ key: PlotKey, _ bytes: [UInt8]) throws(PlotStoreError) {
        try put(key, frames: [bytes])
    }

    /// Completes the plot: stores the container record, commits, syncs the LMDB environment
    /// (`mdb_env_sync` with force), closes it, sets the file's length to exactly the pages LMDB
    /// uses and fsyncs it, renames it to the final name and fsyncs the directory. Only then does
    /// the final name exist. Returns the final URL.
    ///
    /// Throws `alreadyExists` if a file took the final name meanwhile, `io`/`lmdb` on failures;
    /// after a failure the partial file stays until `abandon()` or the writer is released.
    @discardableResult
    public func finish() throws(PlotStoreError) -> URL {
        try checkWriting()
        let record = ContainerRecord(version: ContainerRecord.currentVersion, keyCount: keyCount, keyDigest: keyDigest.value)
        let value = try FramedValue.encode(key: PlotKey.container, frames: [Frame(record.encoded())], level: compressionLevel,
                                           compressor: compressor, path: partialPath)
        try store(value, under: PlotKey.container)
        try commit()
        guard let environment else { preconditionFailure("PlotWriter: no environment while writing") }
        let synced = mdb_env_sync(environment, 1)
        guard synced == 0 else { throw fail(LMDB.error(synced, path: partialPath, operation: "sync the plot to the disk")) }
        var stat = MDB_stat(), info = MDB_envinfo()
        let rc = mdb_env_stat(environment, &stat) == 0 ? mdb_env_info(environment, &info) : -1
        guard rc == 0 else { throw fail(LMDB.error(rc, path: partialPath, operation: "read the environment's size")) }
        mdb_env_close(environment)
        self.environment = nil
        // A page LMDB freed in its last transaction may never have been written; padding the
        // file to every page the meta page counts lets readers insist on that length.
        let length = (info.me_last_pgno + 1) * Int(stat.ms_psize)
        do throws(PlotStoreError) {
            try FileSystem.setLengthAndSync(partialPath, length: length)
            if try FileSystem.kind(of: finalPath, operation: "check whether the plot exists") != nil {
                throw PlotStoreError(.alreadyExists(path: finalPath))
            }
            try FileSystem.rename(partialPath, to: finalPath)
        } catch {
            throw fail(error)
        }
        state = .finished
        try FileSystem.syncDirectory(directoryPath)
        return finalURL
    }

    /// Stops writing and removes the partial file. Does nothing after `finish()` succeeded or
    /// `abandon()` ran; the writer's `deinit` calls it, so a writer dropped unfinished leaves nothing.
    public func abandon() {
        guard state == .writing || state == .failed else { return }
        if let transaction { mdb_txn_abort(transaction) }
        transaction = nil
        if let environment { mdb_env_close(environment) }
        environment = nil
        _ = try? FileSystem.removeIfPresent(partialPath, operation: "remove the partial plot")
        state = .abandoned
    }

    // MARK: Private

    private static func openEnvironment(path: String, mapSize: Int) throws(PlotStoreError) -> (OpaquePointer, OpaquePointer, MDB_dbi) {
        var created: OpaquePointer?
        let rc = mdb_env_create(&created)
        guard rc == 0, let environment = created else { throw LMDB.error(rc, path: path, operation: "create an LMDB environment") }
        func fail(_ code: Int32, _ operation: String) -> PlotStoreError {
            mdb_env_close(environment)
            _ = try? FileSystem.removeIfPresent(path, operation: "remove the partial plot")
            return LMDB.error(code, path: path, operation: operation)
        }
        var code = mdb_env_set_mapsize(environment, mapSize)
        guard code == 0 else { throw fail(code, "set the map size to \(mapSize) bytes") }
        // NOSUBDIR: the environment is this one file. NOLOCK: no "-lock" file; only this writer
        // touches the partial file. NOSYNC: commits do not fsync; finish() syncs once, and a
        // partial file is discarded after a crash anyway.
        let flags = UInt32(MDB_NOSUBDIR) | UInt32(MDB_NOLOCK) | UInt32(MDB_NOSYNC)
        code = mdb_env_open(environment, path, flags, 0o644)
        guard code == 0 else { throw fail(code, "create the partial plot file") }
        var transaction: OpaquePointer?
        code = mdb_txn_begin(environment, nil, 0, &transaction)
        guard code == 0, let transaction else { throw fail(code, "begin a write transaction") }
        var database: MDB_dbi = 0
        code = mdb_dbi_open(transaction, nil, 0, &database)
        guard code == 0 else {
            mdb_txn_abort(transaction)
            throw fail(code, "open the main database")
        }
        return (environment, transaction, database)
    }

    private func checkWriting() throws(PlotStoreError) {
        switch state {
        case .writing: return
        case .finished: throw PlotStoreError(.invalidArgument(reason: "the plot \(finalPath) is already finished"))
        case .abandoned: throw PlotStoreError(.invalidArgument(reason: "the plot \(finalPath) was abandoned"))
        case .failed: throw PlotStoreError(.invalidArgument(reason: "writing \(partialPath) failed earlier; abandon it and start again"))
        }
    }

    private func store(_ value: [UInt8], under key: PlotKey) throws(PlotStoreError) {
        guard let transaction else { preconditionFailure("PlotWriter: no transaction while writing") }
        let rc = key.bytes.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var dataValue = MDB_val(mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(transaction, database, &keyValue, &dataValue, UInt32(MDB_NOOVERWRITE))
            }
        }
        if rc == MDB_KEYEXIST {
            throw PlotStoreError(.invalidArgument(reason: "key \(key) was already put; each key is stored once"))
        }
        guard rc == 0 else { throw fail(LMDB.error(rc, path: partialPath, operation: "store the value of key \(key)")) }
    }

    private func commit() throws(PlotStoreError) {
        guard let transaction else { preconditionFailure("PlotWriter: no transaction while writing") }
        self.transaction = nil
        let rc = mdb_txn_commit(transaction)  // frees the transaction whatever the outcome
        guard rc == 0 else { throw fail(LMDB.error(rc, path: partialPath, operation: "commit a transaction")) }
        putsInTransaction = 0
        bytesInTransaction = 0
    }

    private func commitAndContinue() throws(PlotStoreError) {
        try commit()
        // The committed pages go to the disk while the plot is still being computed.
        var fd: mdb_filehandle_t = -1
        if mdb_env_get_fd(environment, &fd) == 0 { FileSystem.startWriteback(fd) }
        var next: OpaquePointer?
        let rc = mdb_txn_begin(environment, nil, 0, &next)
        guard rc == 0, let next else { throw fail(LMDB.error(rc, path: partialPath, operation: "begin a write transaction")) }
        transaction = next
    }

    /// Marks the writer failed (it cannot continue) and returns `error` to throw.
    private func fail(_ error: PlotStoreError) -> PlotStoreError {
        if let transaction { mdb_txn_abort(transaction) }
        transaction = nil
        state = .failed
        return error
    }
}
