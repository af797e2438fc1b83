@testable import Plotting
import PoSpace
import Proving

/// Final tables held in memory, as a proof source: lets tests check phases 1–3 without the file format.
struct InMemoryPlot: ProofSource {
    let k: Int
    let plotID: PlotID
    let tables: LinePointTables

    func linePoint(table: Int, position: UInt64) throws -> UInt64 { tables.linePoints[table][Int(position)] }

    func table7Run(f7: UInt64) throws -> Table7Run {
        var lo = 0, hi = tables.f7.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tables.f7[mid] < f7 { lo = mid + 1 } else { hi = mid }
        }
        var positions = [UInt64]()
        var i = lo
        while i < tables.f7.count, tables.f7[i] == f7 {
            positions.append(UInt64(tables.positions[i]))
            i += 1
        }
        return Table7Run(start: lo, positions: positions, nextF7: i < tables.f7.count ? tables.f7[i] : nil)
    }
}
