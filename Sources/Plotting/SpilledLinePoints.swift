import Foundation
import PlotStore
import PoSpace

/// Phases 3 and 4 from spilled tables, in memory bounded by the plan whatever k is. Final
/// table t is made from forward table t + 1 and the map of forward table t
/// (`SpilledPositionMap`), split into `mapRanges` windows of entries:
/// 1. with more than one window, kept entries, read in their order, go to range files by
///    their left pointer (a right pointer is never far past its left one);
/// 2. window by window, the map's window is loaded and the line points of the entries that
///    point into it go to bucket files by the line point's top bits;
/// 3. bucket by bucket, line points are sorted and stored as parks; a line point's rank is its
///    entry's new position: the map of forward table t + 1, kept in memory with one window,
///    else sent to range files by entry and laid out on disk in entry order.
struct SpilledLinePoints {
    let tables: SpilledForwardTables
    let used: [EntryBits]
    let k: Int
    let bucketBits: Int
    /// Windows the position maps are split into (a power of two, at most the bucket count).
    let mapRanges: Int
    let threads: Int
    let directory: URL
    /// Entries read from temporary files at a time.
    private static let chunk = 1 << 18

    /// Stores final tables 1–6 (phase 3) and returns, for every table-7 entry, its position in
    /// final table 6. Reads each pointer file once and empties it.
    func writeLinePointTables(header: PlotHeader, to writer: PlotWriter,
                              progress: (PlotEvent) -> Void) throws(PlotterError) -> SpilledPositionMap {
        var map = SpilledPositionMap.onDisk(tables.xs, count: tables.counts[1], width: 4)
        // Values below `limit` pair into line points of at most `lpBits` bits (64 at k = 32).
        var limit = 1 << k
        for t in 1...6 {
            let lpBits = 64 - LinePoint.encode(UInt64(max(1, limit - 1)), UInt64(max(0, limit - 2))).leadingZeroBitCount
            let points = try linePoints(t, map: map, lpBits: lpBits)
            map = .inMemory([])
            map = try writeTable(t, points: points, lpBits: lpBits, header: header, to: writer)
            limit = header.tableSizes[t - 1]
            progress(.tableFinished(phase: 3, table: t, entries: header.tableSizes[t - 1], fraction: Double(t) / 7))
        }
        return map
    }

    /// Pass 3: final table t from the line points of forward table t + 1 (below 2^lpBits).
    /// Returns the map of forward table t + 1.
    private func writeTable(_ t: Int, points: SpillBuckets, lpBits: Int, header: PlotHeader,
                            to writer: PlotWriter) throws(PlotterError) -> SpilledPositionMap {
        let n = tables.counts[t + 1]
        // Sorted line points are the final table; ranks are the entries' new positions.
        let entryWindow = max(1, (n + mapRanges - 1) / mapRanges)
        var newMap = mapRanges == 1 ? [UInt64](repeating: .max, count: n) : []
        let ranks = try SpillBuckets(count: mapRanges == 1 ? 0 : mapRanges, words: 2, threads: threads, in: directory)
        var parks = LinePointParkWriter(table: t, stubBits: header.stubBits, threads: threads, writer: writer)
        var rank = 0
        for d in 0..<points.count where points.records(in: d) > 0 {
            let records = try points.take(d)
            let count = records.count / 2
            var keys = [UInt64](uninitializedCount: count), order = [UInt32](uninitializedCount: count)
            records.withUnsafeBufferPointer { rs in
                keys.withUnsafeMutableBufferPointer { k in
                    order.withUnsafeMutableBufferPointer { o in
                        Parallel.forEachSlice(count: count, threads: threads) { slice in
                            for j in slice { k[j] = rs[2 * j]; o[j] = UInt32(j) }
                        }
                    }
                }
            }
            // A bucket's line points share their top bits.
            sortPairs(&keys, &order, keyBits: max(1, lpBits - bucketBits), threads: threads)
            try Plotter.storing { () throws(PlotStoreError) in
                try keys.withUnsafeBufferPointer { (b) throws(PlotStoreError) in try parks.append(b) }
            }
            // Entries are distinct, so threads write disjoint places.
            let base = rank
            if mapRanges == 1 {
                records.withUnsafeBufferPointer { rs in
                    order.withUnsafeBufferPointer { o in
                        newMap.withUnsafeMutableBufferPointer { m in
                            Parallel.forEachSlice(count: count, threads: threads) { slice in
                                for j in slice { m[Int(rs[2 * Int(o[j]) + 1])] = UInt64(base + j) }
                            }
                        }
                    }
                }
            } else {
                var out = [UInt64](uninitializedCount: 2 * count), to = [Int32](uninitializedCount: count)
                records.withUnsafeBufferPointer { rs in
                    order.withUnsafeBufferPointer { o in
                        out.withUnsafeMutableBufferPointer { out in
                            to.withUnsafeMutableBufferPointer { to in
                                Parallel.forEachSlice(count: count, threads: threads) { slice in
                                    for j in slice {
                                        let entry = rs[2 * Int(o[j]) + 1]
                                        out[2 * j] = entry
                                        out[2 * j + 1] = UInt64(base + j)
                                        to[j] = Int32(entry / UInt64(entryWindow))
                                    }
                                }
                            }
                        }
                    }
                }
                try out.withUnsafeBufferPointer { (o) throws(PlotterError) in
                    try to.withUnsafeBufferPointer { (b) throws(PlotterError) in try ranks.append(o, buckets: b) }
                }
            }
            rank += count
        }
        try Plotter.storing { () throws(PlotStoreError) in try parks.finish() }
        if mapRanges == 1 { return .inMemory(newMap) }
        return try positionMap(from: ranks, entries: n, window: entryWindow)
    }

    /// Passes 1 and 2: the line points of forward table t + 1's kept entries as (line point,
    /// entry) records, in buckets by the line point's top bits. Empties the pointer file.
    private func linePoints(_ t: Int, map: SpilledPositionMap, lpBits: Int) throws(PlotterError) -> SpillBuckets {
        let shift = UInt64(max(0, lpBits - bucketBits))
        let points = try SpillBuckets(count: 1 << bucketBits, words: 2, threads: threads, in: directory)
        let window = max(1, (map.count + mapRanges - 1) / mapRanges)
        let routed = mapRanges == 1 ? nil : try routeByLeftPointer(t, window: window)
        let pointerFile = tables.pointers[t + 1]!
        let keep = used[t + 1]
        var values = [UInt64]()
        var records = [UInt64](repeating: 0, count: 2 * Self.chunk)
        var out = records, to = [Int32](repeating: 0, count: Self.chunk)
        for r in 0..<mapRanges {
            // The window: from the range's first entry to the farthest right pointer into it.
            let first = r * window
            let end = min(map.count, max(first + window, routed?.reach[r] ?? 0))
            guard first < end else { break }
            if case .inMemory(let all) = map, mapRanges == 1 { values = all } else {
                if values.count < end - first { values = [UInt64](repeating: 0, count: end - first) }
                try values.withUnsafeMutableBufferPointer { (v) throws(PlotterError) in
                    try map.read(from: first, into: UnsafeMutableBufferPointer(rebasing: v[..<(end - first)]))
                }
            }
            let total = routed?.buckets.records(in: r) ?? tables.counts[t + 1]
            for start in stride(from: 0, to: total, by: Self.chunk) {
                var count = min(Self.chunk, total - start)
                // (entry, packed pointers) records: routed ones, or the kept entries straight from the pointer file.
                if let routed {
                    try records.withUnsafeMutableBufferPointer { (rs) throws(PlotterError) in
                        try routed.buckets.read(r, from: start, into: UnsafeMutableBufferPointer(rebasing: rs[..<(2 * count)]))
                    }
                } else {
                    try out.withUnsafeMutableBufferPointer { (p) throws(PlotterError) in
                        try pointerFile.read(from: start, into: UnsafeMutableBufferPointer(rebasing: p[..<count]))
                    }
                    count = out.withUnsafeBufferPointer { p in
                        records.withUnsafeMutableBufferPointer { rs in
                            Self.keptRecords(UnsafeBufferPointer(rebasing: p[..<count]), from: start, keep: keep, into: rs, threads: threads)
                        }
                    }
                }
                records.withUnsafeBufferPointer { rs in
                    values.withUnsafeBufferPointer { v in
                        out.withUnsafeMutableBufferPointer { o in
                            to.withUnsafeMutableBufferPointer { b in
                                Parallel.forEachSlice(count: count, threads: threads) { slice in
                                    for j in slice {
                                        let pointers = rs[2 * j + 1]
                                        let left = BackPointers.left(pointers) - first
                                        let right = BackPointers.right(pointers) - first
                                        let point = LinePoint.encode(v[left], v[right])
                                        o[2 * j] = point
                                        o[2 * j + 1] = rs[2 * j]
                                        b[j] = Int32(truncatingIfNeeded: point >> shift)
                                    }
                                }
                            }
                        }
                    }
                }
                try out.withUnsafeBufferPointer { (o) throws(PlotterError) in
                    try to.withUnsafeBufferPointer { (b) throws(PlotterError) in
                        try points.append(UnsafeBufferPointer(rebasing: o[..<(2 * count)]), buckets: UnsafeBufferPointer(rebasing: b[..<count]))
                    }
                }
            }
            routed?.buckets.clear(r)
        }
        pointerFile.truncate()
        return points
    }

    /// Pass 1: every kept entry of forward table t + 1 as (entry, packed pointers), into the
    /// window of its left pointer; with, per window, one past the highest right pointer in it.
    private func routeByLeftPointer(_ t: Int, window: Int) throws(PlotterError) -> (buckets: SpillBuckets, reach: [Int]) {
        let n = tables.counts[t + 1]
        let keep = used[t + 1]
        let routed = try SpillBuckets(count: mapRanges, words: 2, threads: threads, in: directory)
        var reach = [Int](repeating: 0, count: mapRanges)
        var packed = [UInt64](uninitializedCount: Self.chunk)
        var records = [UInt64](uninitializedCount: 2 * Self.chunk), to = [Int32](uninitializedCount: Self.chunk)
        let workers = threads
        var reaches = [Int](repeating: 0, count: workers * mapRanges)
        for start in stride(from: 0, to: n, by: Self.chunk) {
            let count = min(Self.chunk, n - start)
            try packed.withUnsafeMutableBufferPointer { (p) throws(PlotterError) in
                try tables.pointers[t + 1]!.read(from: start, into: UnsafeMutableBufferPointer(rebasing: p[..<count]))
            }
            let kept = packed.withUnsafeBufferPointer { p in
                records.withUnsafeMutableBufferPointer { rs in
                    Self.keptRecords(UnsafeBufferPointer(rebasing: p[..<count]), from: start, keep: keep, into: rs, threads: threads)
                }
            }
            let ranges = mapRanges
            records.withUnsafeBufferPointer { rs in
                to.withUnsafeMutableBufferPointer { to in
                    reaches.withUnsafeMutableBufferPointer { reaches in
                        Parallel.forEachSlice(count: workers, threads: workers) { ws in
                            for w in ws {
                                for j in (w * kept / workers)..<((w + 1) * kept / workers) {
                                    let left = BackPointers.left(rs[2 * j + 1]), right = BackPointers.right(rs[2 * j + 1])
                                    let r = left / window
                                    to[j] = Int32(r)
                                    reaches[w * ranges + r] = max(reaches[w * ranges + r], right + 1)
                                }
                            }
                        }
                    }
                }
            }
            try records.withUnsafeBufferPointer { (rs) throws(PlotterError) in
                try to.withUnsafeBufferPointer { (b) throws(PlotterError) in
                    try routed.append(UnsafeBufferPointer(rebasing: rs[..<(2 * kept)]), buckets: UnsafeBufferPointer(rebasing: b[..<kept]))
                }
            }
        }
        for w in 0..<workers {
            for r in 0..<mapRanges { reach[r] = max(reach[r], reaches[w * mapRanges + r]) }
        }
        return (routed, reach)
    }

    /// The kept entries among `start..<start + pointers.count`, as (entry, packed pointers)
    /// records in entry order, into `records`; returns how many. Each thread compacts a slice
    /// into the place the kept entries before it leave free.
    private static func keptRecords(_ pointers: UnsafeBufferPointer<UInt64>, from start: Int, keep: EntryBits,
                                    into records: UnsafeMutableBufferPointer<UInt64>, threads: Int) -> Int {
        let n = pointers.count
        let slices = max(1, min(threads, n / 16_384 + 1))
        let firsts = UnsafeMutableBufferPointer<Int>.allocate(capacity: slices + 1)
        defer { firsts.deallocate() }
        firsts.initialize(repeating: 0)
        Parallel.forEachSlice(count: slices, threads: slices) { ss in
            for s in ss {
                var kept = 0
                for i in (s * n / slices)..<((s + 1) * n / slices) where keep[start + i] { kept += 1 }
                firsts[s + 1] = kept
            }
        }
        for s in 0..<slices { firsts[s + 1] += firsts[s] }
        Parallel.forEachSlice(count: slices, threads: slices) { ss in
            for s in ss {
                var at = firsts[s]
                for i in (s * n / slices)..<((s + 1) * n / slices) where keep[start + i] {
                    records[2 * at] = UInt64(start + i)
                    records[2 * at + 1] = pointers[i]
                    at += 1
                }
            }
        }
        return firsts[slices]
    }

    /// The (entry, new position) records, window by window, laid out in entry order on disk.
    /// Entries that were dropped get .max; no kept entry points at them.
    private func positionMap(from ranks: SpillBuckets, entries n: Int, window: Int) throws(PlotterError) -> SpilledPositionMap {
        let file = try SpillFile(in: directory)
        var values = [UInt64](repeating: .max, count: min(n, window))
        var records = [UInt64](repeating: 0, count: 2 * Self.chunk)
        for s in 0..<ranks.count {
            let first = s * window, count = max(0, min(window, n - first))
            guard count > 0 else { break }
            values.withUnsafeMutableBufferPointer { UnsafeMutableBufferPointer(rebasing: $0[..<count]).update(repeating: .max) }
            // The window's records in pieces: the window alone is what the plan allows for.
            let total = ranks.records(in: s)
            for start in stride(from: 0, to: total, by: Self.chunk) {
                let piece = min(Self.chunk, total - start)
                try records.withUnsafeMutableBufferPointer { (r) throws(PlotterError) in
                    try ranks.read(s, from: start, into: UnsafeMutableBufferPointer(rebasing: r[..<(2 * piece)]))
                }
                // Entries are distinct, so threads write disjoint places.
                records.withUnsafeBufferPointer { rs in
                    values.withUnsafeMutableBufferPointer { v in
                        Parallel.forEachSlice(count: piece, threads: threads) { slice in
                            for j in slice { v[Int(rs[2 * j]) - first] = rs[2 * j + 1] }
                        }
                    }
                }
            }
            ranks.clear(s)
            try values.withUnsafeBufferPointer { (v) throws(PlotterError) in try file.append(UnsafeBufferPointer(rebasing: v[..<count])) }
        }
        return .onDisk(file, count: n, width: 8)
    }

    /// Stores table 7 (phase 4): every entry's f7 with its position in final table 6
    /// (`positions`, by forward order), sorted by f7 then position. Forward table 7 is already
    /// sorted by y, so only runs of equal f7 need sorting.
    func writeTable7(positions: SpilledPositionMap, header: PlotHeader, to writer: PlotWriter) throws(PlotterError) {
        let n = tables.counts[7]
        var parks = Table7ParkWriter(positionBits: header.positionBits, threads: threads, writer: writer)
        var ys = [UInt64](repeating: 0, count: Self.chunk), mapped = ys
        var f7 = [UInt64](), places = [UInt64]()
        for start in stride(from: 0, to: n, by: Self.chunk) {
            let count = min(Self.chunk, n - start)
            try ys.withUnsafeMutableBufferPointer { (y) throws(PlotterError) in
                try tables.y7.read(from: start, into: UnsafeMutableBufferPointer(rebasing: y[..<count]))
            }
            try mapped.withUnsafeMutableBufferPointer { (m) throws(PlotterError) in
                try positions.read(from: start, into: UnsafeMutableBufferPointer(rebasing: m[..<count]))
            }
            for i in 0..<count {
                f7.append(ys[i] >> UInt64(Parameters.extraBits))
                places.append(mapped[i])
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
    private static func sortRuns(f7: [UInt64], positions: inout [UInt64], upTo count: Int) {
        var start = 0
        while start < count {
            var end = start + 1
            while end < count, f7[end] == f7[start] { end += 1 }
            if end - start > 1 { positions[start..<end].sort() }
            start = end
        }
    }
}
