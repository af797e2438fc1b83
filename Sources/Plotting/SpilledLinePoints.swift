import Foundation
import PlotStore
import PoSpace

/// Phases 3 and 4 from spilled tables: each final table's line points are computed from the
/// pointers on disk and the previous table's new positions, scattered into buckets by their
/// top bits in temporary files, then each bucket is sorted and streamed into parks. Position
/// maps stay in memory (4 bytes an entry); everything else passes through in pieces.
struct SpilledLinePoints {
    let tables: SpilledForwardTables
    let used: [EntryBits]
    let k: Int
    let bucketBits: Int
    let threads: Int
    let directory: URL
    /// Entries read from the pointer and y files at a time.
    private static let chunk = 1 << 20

    /// Stores final tables 1–6 (phase 3) and returns, for every table-7 entry, its position in
    /// final table 6.
    func writeLinePointTables(header: PlotHeader, to writer: PlotWriter,
                              progress: (PlotEvent) -> Void) throws(PlotterError) -> [UInt32] {
        var previous = [UInt32](repeating: 0, count: tables.counts[1])
        try previous.withUnsafeMutableBufferPointer { (x) throws(PlotterError) in try tables.xs.read(from: 0, into: x) }
        var valueBits = k
        for t in 1...6 {
            previous = try writeTable(t, previous: previous, valueBits: valueBits, header: header, to: writer)
            valueBits = max(1, 64 - UInt64(header.tableSizes[t - 1]).leadingZeroBitCount)
            progress(.tableFinished(phase: 3, table: t, entries: header.tableSizes[t - 1], fraction: Double(t) / 7))
        }
        return previous
    }

    /// Final table t from forward table t + 1; `previous` maps forward table t's entries to
    /// what the line points pair (x values for t = 1, else positions in final table t − 1),
    /// all below 2^valueBits. Returns the map for forward table t + 1.
    private func writeTable(_ t: Int, previous: [UInt32], valueBits: Int, header: PlotHeader,
                            to writer: PlotWriter) throws(PlotterError) -> [UInt32] {
        let n = tables.counts[t + 1]
        let keep = used[t + 1]
        let lpBits = 2 * valueBits
        let shift = UInt64(max(0, lpBits - bucketBits))
        let bucketCount = 1 << bucketBits
        var keyFiles = [SpillFile](), indexFiles = [SpillFile]()
        for _ in 0..<bucketCount {
            keyFiles.append(try SpillFile(in: directory))
            indexFiles.append(try SpillFile(in: directory))
        }
        // Line points of kept entries, in entry order, into buckets by their top bits.
        var packed = [UInt64](repeating: 0, count: Self.chunk)
        var keys = [UInt64](repeating: 0, count: Self.chunk)
        var stagedKeys = keys, stagedIndices = [UInt32](repeating: 0, count: Self.chunk)
        for start in stride(from: 0, to: n, by: Self.chunk) {
            let count = min(Self.chunk, n - start)
            try packed.withUnsafeMutableBufferPointer { (p) throws(PlotterError) in
                try tables.pointers[t + 1]!.read(from: start, into: UnsafeMutableBufferPointer(rebasing: p[..<count]))
            }
            // Line points on all threads (the position map lookups are the cost); .max marks
            // a dropped entry, above any line point of k ≤ 30.
            keys.withUnsafeMutableBufferPointer { out in
                packed.withUnsafeBufferPointer { pointers in
                    previous.withUnsafeBufferPointer { map in
                        Parallel.forEachSlice(count: count, threads: threads) { slice in
                            for i in slice {
                                guard keep[start + i] else { out[i] = .max; continue }
                                out[i] = LinePoint.encode(UInt64(map[Int(UInt32(truncatingIfNeeded: pointers[i]))]),
                                                          UInt64(map[Int(pointers[i] >> 32)]))
                            }
                        }
                    }
                }
            }
            var starts = [Int](repeating: 0, count: bucketCount + 1)
            for i in 0..<count where keys[i] != .max { starts[Int(keys[i] >> shift) + 1] += 1 }
            for d in 0..<bucketCount { starts[d + 1] += starts[d] }
            var cursor = starts
            for i in 0..<count where keys[i] != .max {
                let d = Int(keys[i] >> shift)
                stagedKeys[cursor[d]] = keys[i]
                stagedIndices[cursor[d]] = UInt32(start + i)
                cursor[d] += 1
            }
            for d in 0..<bucketCount where starts[d + 1] > starts[d] {
                let range = starts[d]..<starts[d + 1]
                try stagedKeys.withUnsafeBufferPointer { (s) throws(PlotterError) in try keyFiles[d].append(UnsafeBufferPointer(rebasing: s[range])) }
                try stagedIndices.withUnsafeBufferPointer { (s) throws(PlotterError) in try indexFiles[d].append(UnsafeBufferPointer(rebasing: s[range])) }
            }
        }
        // Each bucket sorted, in bucket order, is the final table; ranks are the new positions.
        var positions = [UInt32](repeating: .max, count: n)
        var parks = LinePointParkWriter(table: t, stubBits: header.stubBits, threads: threads, writer: writer)
        var rank = 0
        for d in 0..<bucketCount {
            let count = keyFiles[d].size / 8
            guard count > 0 else { continue }
            var bucketKeys = [UInt64](repeating: 0, count: count), bucketIndices = [UInt32](repeating: 0, count: count)
            try bucketKeys.withUnsafeMutableBufferPointer { (b) throws(PlotterError) in try keyFiles[d].read(from: 0, into: b) }
            try bucketIndices.withUnsafeMutableBufferPointer { (b) throws(PlotterError) in try indexFiles[d].read(from: 0, into: b) }
            keyFiles[d].truncate()
            indexFiles[d].truncate()
            sortPairs(&bucketKeys, &bucketIndices, keyBits: lpBits, threads: threads)
            try Plotter.storing { () throws(PlotStoreError) in
                try bucketKeys.withUnsafeBufferPointer { (b) throws(PlotStoreError) in try parks.append(b) }
            }
            for j in 0..<count { positions[Int(bucketIndices[j])] = UInt32(rank + j) }
            rank += count
        }
        try Plotter.storing { () throws(PlotStoreError) in try parks.finish() }
        return positions
    }

    /// Stores table 7 (phase 4): every entry's f7 with its position in final table 6
    /// (`positions`, by forward order), sorted by f7 then position. Forward table 7 is already
    /// sorted by y, so only runs of equal f7 need sorting.
    func writeTable7(positions: [UInt32], header: PlotHeader, to writer: PlotWriter) throws(PlotterError) {
        let n = tables.counts[7]
        var parks = Table7ParkWriter(positionBits: header.positionBits, threads: threads, writer: writer)
        var ys = [UInt64](repeating: 0, count: Self.chunk)
        var f7 = [UInt64](), places = [UInt32]()
        for start in stride(from: 0, to: n, by: Self.chunk) {
            let count = min(Self.chunk, n - start)
            try ys.withUnsafeMutableBufferPointer { (y) throws(PlotterError) in
                try tables.y7.read(from: start, into: UnsafeMutableBufferPointer(rebasing: y[..<count]))
            }
            for i in 0..<count {
                f7.append(ys[i] >> UInt64(Parameters.extraBits))
                places.append(positions[start + i])
            }
            // The last run of equal f7 may go on in the next piece.
            var cut = f7.count
            if start + count < n { while cut > 0, f7[cut - 1] == f7[f7.count - 1] { cut -= 1 } }
            SpilledLinePoints.sortRuns(f7: f7, positions: &places, upTo: cut)
            try Plotter.storing { () throws(PlotStoreError) in
                try f7.withUnsafeBufferPointer { (f) throws(PlotStoreError) in
                    try places.withUnsafeBufferPointer { (p) throws(PlotStoreError) in
                        try parks.append(f7: UnsafeBufferPointer(rebasing: f[..<cut]), positions: UnsafeBufferPointer(rebasing: p[..<cut]))
                    }
                }
            }
            f7.removeFirst(cut)
            places.removeFirst(cut)
        }
        try Plotter.storing { () throws(PlotStoreError) in try parks.finish() }
    }

    /// Sorts positions within each run of equal f7 among the first `count` entries (runs are short).
    private static func sortRuns(f7: [UInt64], positions: inout [UInt32], upTo count: Int) {
        var start = 0
        while start < count {
            var end = start + 1
            while end < count, f7[end] == f7[start] { end += 1 }
            if end - start > 1 { positions[start..<end].sort() }
            start = end
        }
    }
}
