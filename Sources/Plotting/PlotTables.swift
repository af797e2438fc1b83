import Compute
import Dispatch
import PoSpace

/// Phases 1–3 in memory: from (k, plot id) to the final tables of the plot.
enum PlotTablesBuilder {
    /// Builds the final tables. `threads` only changes the speed, never the result.
    static func build(k: Int, plotID: PlotID, threads: Int, backend: any ComputeBackend,
                      progress: @escaping (PlotEvent) -> Void) throws(ComputeError) -> LinePointTables {
        let (tables, used) = try propagate(k: k, plotID: plotID, threads: threads, backend: backend, progress: progress)
        var clock = PhaseClock(progress: progress)
        clock.start(3, "compression")
        let result = LinePointTables(forward: tables, used: used, k: k, threads: threads)
        clock.finish()
        return result
    }

    /// Phases 1 and 2: the forward tables (y and metadata dropped where no longer needed) and,
    /// per table, which entries lead to table 7.
    static func propagate(k: Int, plotID: PlotID, threads: Int, backend: any ComputeBackend,
                          progress: @escaping (PlotEvent) -> Void) throws(ComputeError) -> (tables: [ForwardTable], used: [EntryBits]) {
        var clock = PhaseClock(progress: progress)
        clock.start(1, "forward propagation")
        let forward = ForwardPropagation(k: k, plotID: plotID, threads: threads, backend: backend)
        var tables = [ForwardTable]()
        tables.append(ForwardTable(table: 0, y: [], metadata: [], left: [], right: []))
        tables.append(try forward.tableOne())
        progress(.tableFinished(phase: 1, table: 1, entries: tables[1].count, fraction: 1.0 / 7))
        for t in 2...7 {
            // Of older tables, only the pointers are kept (and table 1's x values, for phase 3).
            tables.append(try forward.nextTable(after: &tables[t - 1]))
            progress(.tableFinished(phase: 1, table: t, entries: tables[t].count, fraction: Double(t) / 7))
        }
        tables[7].metadata = []
        clock.finish()

        clock.start(2, "backpropagation")
        let used = Backpropagation.usedEntries(tables, threads: threads)
        clock.finish()
        return (tables, used)
    }
}

/// Emits phase start/finish events with timings.
struct PhaseClock {
    let progress: (PlotEvent) -> Void
    private var phase = 0
    private var started: UInt64 = 0

    init(progress: @escaping (PlotEvent) -> Void) { self.progress = progress }

    mutating func start(_ phase: Int, _ name: String) {
        self.phase = phase
        started = DispatchTime.now().uptimeNanoseconds
        progress(.phaseStarted(phase: phase, name: name))
    }

    func finish() {
        progress(.phaseFinished(phase: phase, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
    }
}
