import PoSpace

/// What proving needs from a plot: its final tables, read by position.
public protocol ProofSource {
    var k: Int { get }
    var plotID: PlotID { get }
    /// The line point at `position` of final table `table` (1…6).
    func linePoint(table: Int, position: UInt64) throws -> UInt64
    /// Positions in final table 6 of the table-7 entries whose f7 is `f7`, in plot order.
    func table7Matches(f7: UInt64) throws -> [UInt64]
}
