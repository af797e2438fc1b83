import PlotStore
import PoSpace

extension PlotFile: ProofSource {
    /// Finds the run of table-7 entries with this f7 through the in-memory park index.
    public func table7Run(f7 target: UInt64) throws -> Table7Run {
        let index = table7Index
        // First park whose first f7 is ≥ target; the run may start at the end of the park before it.
        var lo = 0, hi = index.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if index[mid] < target { lo = mid + 1 } else { hi = mid }
        }
        var park = max(0, lo - 1)
        var start: Int? = nil
        var positions = [UInt64]()
        while park < index.count {
            let decoded = try table7Park(park)
            for (i, value) in decoded.f7.enumerated() {
                if value == target {
                    if start == nil { start = park * PlotLayout.entriesPerPark + i }
                    positions.append(decoded.position(i))
                } else if value > target {
                    let at = start ?? park * PlotLayout.entriesPerPark + i
                    return Table7Run(start: at, positions: positions, nextF7: value)
                }
            }
            park += 1
        }
        return Table7Run(start: start ?? header.tableSizes[6], positions: positions, nextF7: nil)
    }
}
