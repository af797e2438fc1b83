import PoSpace

/// One table of forward propagation (phase 1), in the order of `y`.
struct ForwardTable {
    /// Table number, 1…7.
    let table: Int
    /// The f outputs (k + 6 bits each): ascending, or ascending by kBC group (`EntrySort.Order`);
    /// in memory, table 7 keeps the order of its matches.
    var y: [UInt64]
    /// Metadata units, `Parameters.metadataUnits(ofTable: table)` per entry (table 1: x), each
    /// of k ≤ 32 bits in a `UInt32` (`TableColumns`).
    var metadata: [UInt32]
    /// Positions of each entry's left and right inputs in the previous table (tables 2–7).
    var left: [UInt32]
    var right: [UInt32]

    /// Number of entries (kept when y and metadata are released after use).
    let count: Int

    init(table: Int, y: [UInt64], metadata: [UInt32], left: [UInt32], right: [UInt32]) {
        self.table = table
        self.y = y
        self.metadata = metadata
        self.left = left
        self.right = right
        count = y.count
    }

    /// A table of `count` entries whose columns are yet to be written.
    init(table: Int, count: Int) {
        self.init(table: table, y: [UInt64](uninitializedCount: count),
                  metadata: [UInt32](uninitializedCount: count * Parameters.metadataUnits(ofTable: table)),
                  left: [UInt32](uninitializedCount: count), right: [UInt32](uninitializedCount: count))
    }
}

extension ForwardTable {
    /// Metadata values an entry.
    var units: Int { Parameters.metadataUnits(ofTable: table) }
}
