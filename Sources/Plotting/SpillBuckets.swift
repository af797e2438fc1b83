import Foundation
import PoSpace

/// Fixed-size records of 64-bit words spread over temporary files, one file a bucket: what a
/// phase writes when it must reorder more data than fits in memory. Records keep their
/// order within each bucket.
final class SpillBuckets {
    /// Words a record.
    let words: Int
    /// Threads that scatter, write and read.
    let threads: Int
    private var files: [SpillFile]
    private var staging: [UInt64] = []

    init(count: Int, words: Int, threads: Int, in directory: URL) throws(PlotterError) {
        self.words = words
        self.threads = max(1, threads)
        var files = [SpillFile]()
        for _ in 0..<count { files.append(try SpillFile(in: directory)) }
        self.files = files
    }

    var count: Int { files.count }

    /// Records in bucket `index`.
    func records(in index: Int) -> Int { files[index].size / (8 * words) }

    /// Appends `records` (`words` each), record i to bucket `buckets[i]`: a stable scatter into
    /// one staging area, per worker slice, then one write per bucket.
    func append(_ records: UnsafeBufferPointer<UInt64>, buckets: UnsafeBufferPointer<Int32>) throws(PlotterError) {
        let n = buckets.count
        guard n > 0 else { return }
        let bucketCount = files.count, words = self.words
        let workers = max(1, min(threads, n / 16_384 + 1))
        let chunk = (n + workers - 1) / workers
        let cursors = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * bucketCount)
        defer { cursors.deallocate() }
        cursors.initialize(repeating: 0)
        Parallel.forEachSlice(count: workers, threads: workers) { ws in
            for w in ws {
                let c = cursors.baseAddress! + w * bucketCount
                for i in (w * chunk)..<min(n, (w + 1) * chunk) { c[Int(buckets[i])] += 1 }
            }
        }
        let starts = RadixSort.scatterOffsets(cursors, workers: workers, buckets: bucketCount)
        if staging.count < n * words { staging = [UInt64](uninitializedCount: n * words) }
        staging.withUnsafeMutableBufferPointer { out in
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let c = cursors.baseAddress! + w * bucketCount
                    for i in (w * chunk)..<min(n, (w + 1) * chunk) {
                        let b = Int(buckets[i])
                        let at = c[b] * words
                        c[b] += 1
                        for word in 0..<words { out[at + word] = records[i * words + word] }
                    }
                }
            }
        }
        try staging.withUnsafeBufferPointer { (all) throws(PlotterError) in
            try forEachBucket { (b) throws(PlotterError) in
                guard starts[b + 1] > starts[b] else { return }
                try files[b].append(UnsafeBufferPointer(rebasing: all[(starts[b] * words)..<(starts[b + 1] * words)]))
            }
        }
    }

    /// Records `start..<start + count` of bucket `index`, as `words` values each.
    func read(_ index: Int, from start: Int, into records: UnsafeMutableBufferPointer<UInt64>) throws(PlotterError) {
        try files[index].read(from: start * words, into: records)
    }

    /// Empties bucket `index`, giving its space back.
    func clear(_ index: Int) { files[index].truncate() }

    /// Bucket `index`'s records, in the order written; its file is emptied. Read in one piece
    /// a thread: copying out of the page cache is most of the cost.
    func take(_ index: Int) throws(PlotterError) -> [UInt64] {
        let total = records(in: index) * words
        var all = [UInt64](uninitializedCount: total)
        let file = files[index]
        let pieces = max(1, min(threads, total / 65_536))
        try all.withUnsafeMutableBufferPointer { (a) throws(PlotterError) in
            try Self.onEach(pieces) { (p) throws(PlotterError) in
                let range = (p * total / pieces)..<((p + 1) * total / pieces)
                try file.read(from: range.lowerBound, into: UnsafeMutableBufferPointer(rebasing: a[range]))
            }
        }
        file.truncate()
        return all
    }

    /// `body` for every bucket, the buckets split between the threads.
    private func forEachBucket(_ body: (Int) throws(PlotterError) -> Void) throws(PlotterError) {
        let count = files.count, workers = min(threads, count)
        try Self.onEach(workers) { (w) throws(PlotterError) in
            for b in (w * count / workers)..<((w + 1) * count / workers) { try body(b) }
        }
    }

    /// `body(0..<count)`, concurrently; the first error thrown, if any, after all are done.
    private static func onEach(_ count: Int, _ body: (Int) throws(PlotterError) -> Void) throws(PlotterError) {
        let errors = UnsafeMutableBufferPointer<PlotterError?>.allocate(capacity: max(1, count))
        defer { _ = errors.deinitialize(); errors.deallocate() }
        errors.initialize(repeating: nil)
        Parallel.forEachSlice(count: count, threads: count) { slice in
            for i in slice {
                do throws(PlotterError) { try body(i) } catch { errors[i] = error }
            }
        }
        if let error = errors.compactMap({ $0 }).first { throw error }
    }
}
