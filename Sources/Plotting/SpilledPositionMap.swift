/// What phase 3 pairs into line points for every entry of a spilled forward table, in entry
/// order: table 1's x values, then each later table's positions in its final table. Kept in
/// memory while a whole map fits the plan; otherwise on disk and read a window at a time, so
/// that no map need fit in memory whatever k is.
enum SpilledPositionMap {
    case inMemory([UInt64])
    /// `count` values of `width` bytes: 4 for the x values as phase 1 wrote them, 8 for positions.
    case onDisk(SpillFile, count: Int, width: Int)

    var count: Int {
        switch self {
        case .inMemory(let values): values.count
        case .onDisk(_, let count, _): count
        }
    }

    /// Values `start..<start + values.count`.
    func read(from start: Int, into values: UnsafeMutableBufferPointer<UInt64>) throws(PlotterError) {
        guard !values.isEmpty else { return }
        switch self {
        case .inMemory(let all):
            all.withUnsafeBufferPointer { values.baseAddress!.update(from: $0.baseAddress! + start, count: values.count) }
        case .onDisk(let file, _, let width) where width == 8:
            try file.read(from: start, into: values)
        case .onDisk(let file, _, _):
            // Widened a piece at a time: a whole window of narrow values would double its memory.
            var narrow = [UInt32](uninitializedCount: min(values.count, 1 << 18))
            for from in stride(from: 0, to: values.count, by: narrow.count) {
                let count = min(narrow.count, values.count - from)
                try narrow.withUnsafeMutableBufferPointer { (n) throws(PlotterError) in
                    try file.read(from: start + from, into: UnsafeMutableBufferPointer(rebasing: n[..<count]))
                }
                for i in 0..<count { values[from + i] = UInt64(narrow[i]) }
            }
        }
    }
}
