@testable import Plotting
import PoSpace
import Proving

/// Final tables held in memory, as a proof source: lets tests check phases 1–3 without the file format.
struct InMemoryPlot: ProofSource {
    let k: Int
    let plotID: PlotID
    let tables: LinePointTables

    func linePoint(table: Int, position: UInt64) throws -> UInt64 { tables.linePoints[table][Int(position)] }

    func table7Matches(f7: UInt64) throws -> [UInt64] {
        var lo = 0, hi = tables.f7.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tables.f7[mid] < f7 { lo = mid + 1 } else { hi = mid }
        }
        var out = [UInt64]()
        while lo < tables.f7.count, tables.f7[lo] == f7 {
            out.append(UInt64(tables.positions[lo]))
            lo += 1
        }
        return out
    }
}
