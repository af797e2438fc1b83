import Foundation

/// Fixed-size records of 64-bit words spread over temporary files, one file a bucket: what a
/// phase writes when it must reorder more data than fits in memory. Records keep their
/// order within each bucket.
final class SpillBuckets {
    /// Words a record.
    let words: Int
    private var files: [SpillFile]
    private var staging: [UInt64] = []

    init(count: Int, words: Int, in directory: URL) throws(PlotterError) {
        self.words = words
        var files = [SpillFile]()
        for _ in 0..<count { files.append(try SpillFile(in: directory)) }
        self.files = files
    }

    var count: Int { files.count }

    /// Records in bucket `index`.
    func records(in index: Int) -> Int { files[index].size / (8 * words) }

    /// Appends `records` (`words` each), record i to bucket `buckets[i]`.
    func append(_ records: UnsafeBufferPointer<UInt64>, buckets: UnsafeBufferPointer<Int32>) throws(PlotterError) {
        let n = buckets.count
        guard n > 0 else { return }
        var starts = [Int](repeating: 0, count: files.count + 1)
        for i in 0..<n { starts[Int(buckets[i]) + 1] += 1 }
        for b in 0..<files.count { starts[b + 1] += starts[b] }
        if staging.count < n * words { staging = [UInt64](repeating: 0, count: n * words) }
        var cursor = starts
        let words = self.words
        staging.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                let b = Int(buckets[i])
                let at = cursor[b] * words
                cursor[b] += 1
                for w in 0..<words { out[at + w] = records[i * words + w] }
            }
        }
        try staging.withUnsafeBufferPointer { (all) throws(PlotterError) in
            for b in 0..<files.count where starts[b + 1] > starts[b] {
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

    /// Bucket `index`'s records, in the order written; its file is emptied.
    func take(_ index: Int) throws(PlotterError) -> [UInt64] {
        var all = [UInt64](repeating: 0, count: records(in: index) * words)
        try all.withUnsafeMutableBufferPointer { (a) throws(PlotterError) in try files[index].read(from: 0, into: a) }
        files[index].truncate()
        return all
    }
}
