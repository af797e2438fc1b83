import Foundation
import Plotting
import PoSpace

/// Shows plotting progress: phase, table, percent and ETA on a terminal, or JSON lines.
final class ProgressReporter: @unchecked Sendable {
    private let json: Bool
    private let k: Int
    private let plotID: PlotID
    private let started = Date()
    private let interactive = isatty(STDERR_FILENO) != 0
    /// Rough share of the total time each phase takes, for the overall percentage and ETA.
    private let weights: [Double] = [0, 0.65, 0.02, 0.29, 0.04]
    private var phaseStart = Date()
    private var phaseName = ""

    init(json: Bool, k: Int, plotID: PlotID) {
        self.json = json
        self.k = k
        self.plotID = plotID
    }

    func start(threads: Int, memoryLimit: Int, plan: SpillPlan?, device: String) {
        let how = switch plan {
        case .inMemory: "in memory"
        case .spill(let bits): "spilling to disk in \(1 << bits) buckets"
        case nil: "does not fit"
        }
        if json {
            Output.json(["event": "start", "k": k, "plot_id": plotID.hex, "threads": threads, "memory_limit": memoryLimit,
                         "plan": how, "device": device])
        } else {
            Output.error("plotting k = \(k), plot id \(plotID.hex), \(threads) threads, \(how) (memory limit \(memoryLimit >> 20) MiB)")
            Output.error("hashing and matching on: \(device)")
        }
    }

    func handle(_ event: PlotEvent) {
        switch event {
        case .phaseStarted(let phase, let name):
            phaseStart = Date()
            phaseName = name
            if json { Output.json(["event": "phase_start", "phase": phase, "name": name]) }
            else { line("phase \(phase)/4 \(name)", done: overall(phase: phase, fraction: 0)) }
        case .tableFinished(let phase, let table, let entries, let fraction):
            if json { Output.json(["event": "table", "phase": phase, "table": table, "entries": entries]) }
            else { line("phase \(phase)/4 \(phaseName), table \(table)", done: overall(phase: phase, fraction: fraction)) }
        case .phaseFinished(let phase, let seconds):
            if json { Output.json(["event": "phase_end", "phase": phase, "seconds": seconds]) }
            else { line("phase \(phase)/4 \(phaseName) done in \(String(format: "%.1f", seconds)) s", done: overall(phase: phase, fraction: 1)) }
        }
    }

    func finish(_ result: PlotResult) {
        let seconds = Date().timeIntervalSince(started)
        if json {
            Output.json(["event": "done", "plot": result.url.path, "bytes": result.bytes, "seconds": seconds,
                         "table_sizes": result.tableSizes])
        } else {
            if interactive { Output.error("") }
            Output.error(String(format: "plot written in %.1f s: %@ (%d bytes)", seconds, result.url.path, result.bytes))
            print(result.url.path)
        }
    }

    func fail(_ message: String) {
        if json { Output.json(["event": "error", "message": message]) }
        if interactive { Output.error("") }
        Output.error("error: \(message)")
    }

    private func overall(phase: Int, fraction: Double) -> Double {
        weights[..<phase].reduce(0, +) + weights[phase] * fraction
    }

    private func line(_ text: String, done: Double) {
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0.02 ? String(format: ", ETA %.0f s", elapsed / done - elapsed) : ""
        let message = String(format: "%3.0f%%  %@%@", done * 100, text, eta)
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + message).utf8))
        } else {
            Output.error(message)
        }
    }
}
