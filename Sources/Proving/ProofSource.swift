import PoSpace

/// What proving needs from a plot: its final tables, read by position.
public protocol ProofSource {
    var k: Int { get }
    var plotID: PlotID { get }
    /// The line point at `position` of final table `table` (1…6).
    func linePoint(table: Int, position: UInt64) throws -> UInt64
    /// The table-7 entries whose f7 is `f7` (a contiguous run, since table 7 is sorted by f7).
    func table7Run(f7: UInt64) throws -> Table7Run
}

/// The table-7 entries sharing one f7 value.
public struct Table7Run: Hashable, Sendable {
    /// Index in table 7 of the run's first entry (where it would be, when the run is empty).
    public let start: Int
    /// Each entry's position in final table 6, in table order.
    public let positions: [UInt64]
    /// The f7 of the entry right after the run, or nil when the run ends the table.
    public let nextF7: UInt64?

    public init(start: Int, positions: [UInt64], nextF7: UInt64?) {
        self.start = start
        self.positions = positions
        self.nextF7 = nextF7
    }
}
