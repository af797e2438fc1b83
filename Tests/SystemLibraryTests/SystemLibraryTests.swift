import CLMDB
import COpenCL
import CZstd
import Foundation
import Testing

/// The system-library targets link and work: each library does one real round trip.
@Suite struct SystemLibraryTests {
    @Test func zstdRoundTrips() {
        let input = [UInt8]((0..<10_000).map { UInt8($0 % 7) })
        var compressed = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let size = ZSTD_compress(&compressed, compressed.count, input, input.count, 3)
        #expect(ZSTD_isError(size) == 0)
        #expect(size < input.count / 10)
        var output = [UInt8](repeating: 0, count: input.count)
        let back = ZSTD_decompress(&output, output.count, compressed, size)
        #expect(back == input.count)
        #expect(output == input)
    }

    @Test func lmdbStoresAndReadsBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-lmdb-\(getpid()).mdb").path
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: path + "-lock") }
        var env: OpaquePointer?
        #expect(mdb_env_create(&env) == 0)
        defer { mdb_env_close(env) }
        #expect(mdb_env_set_mapsize(env, 1 << 20) == 0)
        #expect(mdb_env_open(env, path, UInt32(MDB_NOSUBDIR), 0o644) == 0)
        var txn: OpaquePointer?
        #expect(mdb_txn_begin(env, nil, 0, &txn) == 0)
        var dbi: MDB_dbi = 0
        #expect(mdb_dbi_open(txn, nil, 0, &dbi) == 0)
        var keyBytes = Array("key".utf8), valueBytes = Array("value".utf8)
        let stored = keyBytes.withUnsafeMutableBytes { k in
            valueBytes.withUnsafeMutableBytes { v in
                var key = MDB_val(mv_size: k.count, mv_data: k.baseAddress)
                var value = MDB_val(mv_size: v.count, mv_data: v.baseAddress)
                return mdb_put(txn, dbi, &key, &value, 0)
            }
        }
        #expect(stored == 0)
        #expect(mdb_txn_commit(txn) == 0)
        #expect(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn) == 0)
        let read: [UInt8]? = keyBytes.withUnsafeMutableBytes { k in
            var key = MDB_val(mv_size: k.count, mv_data: k.baseAddress)
            var value = MDB_val()
            guard mdb_get(txn, dbi, &key, &value) == 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size))
        }
        mdb_txn_abort(txn)
        #expect(read == Array("value".utf8))
    }

    @Test func openCLLoaderAnswers() {
        // With POCL installed there is at least one platform; without a driver the loader
        // answers CL_PLATFORM_NOT_FOUND_KHR (-1001). Either way the call goes through the library.
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        #expect(status == CL_SUCCESS || status == -1001)
        if status == CL_SUCCESS { #expect(count > 0) }
    }
}
