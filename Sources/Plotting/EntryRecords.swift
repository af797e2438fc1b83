/// A forward table's entries as records, for moving whole entries at once: y, then the two back
/// pointers in one word, then the metadata units (`UInt32` each), padded to whole words.
struct EntryRecords {
    let base: UnsafeMutablePointer<UInt64>
    let units: Int

    /// Words a record.
    static func stride(units: Int) -> Int { 2 + (units + 1) / 2 }

    @inline(__always) func record(_ i: Int) -> UnsafeMutablePointer<UInt64> { base + i &* Self.stride(units: units) }
    @inline(__always) func y(_ i: Int) -> UInt64 { record(i)[0] }

    /// An entry into record `i`: its y and pointers, and its units, entry `entry` of `meta`.
    @inline(__always) func store(_ i: Int, y: UInt64, left: UInt32, right: UInt32, meta: UnsafePointer<UInt32>?, entry: Int) {
        let r = record(i)
        r[0] = y
        r[1] = UInt64(left) << 32 | UInt64(right)
        if let meta { Self.copyUnits(units, from: UnsafeRawPointer(meta + entry &* units), to: UnsafeMutableRawPointer(r + 2)) }
    }

    /// Record `i` into place `a` of `into`'s columns.
    @inline(__always) func move(_ i: Int, to a: Int, _ into: EntryColumns) {
        Self.move(UnsafePointer(record(i)), units: units, to: a, into)
    }

    /// The record at `r` into place `a` of `into`'s columns.
    @inline(__always) static func move(_ r: UnsafePointer<UInt64>, units: Int, to a: Int, _ into: EntryColumns) {
        into.y[a] = r[0]
        into.left[a] = UInt32(truncatingIfNeeded: r[1] >> 32)
        into.right[a] = UInt32(truncatingIfNeeded: r[1])
        if let meta = into.meta { copyUnits(units, from: UnsafeRawPointer(r + 2), to: UnsafeMutableRawPointer(meta + a &* units)) }
    }

    /// Copies `units` 32-bit units, two at a time: an entry's units start on a 4-byte boundary only.
    @inline(__always) static func copyUnits(_ units: Int, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        var u = 0
        while u + 2 <= units {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: 4 * u, as: UInt64.self), toByteOffset: 4 * u, as: UInt64.self)
            u += 2
        }
        if u < units {
            destination.storeBytes(of: source.load(fromByteOffset: 4 * u, as: UInt32.self), toByteOffset: 4 * u, as: UInt32.self)
        }
    }
}

/// Where a table's entries are, column by column: y, `units` metadata values each (none in
/// table 7), and the back pointers.
struct EntryColumns {
    let y: UnsafeMutablePointer<UInt64>
    let meta: UnsafeMutablePointer<UInt32>?
    let left: UnsafeMutablePointer<UInt32>
    let right: UnsafeMutablePointer<UInt32>
}
