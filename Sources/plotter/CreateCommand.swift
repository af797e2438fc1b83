import ArgumentParser
import Compute
import Foundation
import Plotting
import PoSpace

/// `plotter create`: one plot, start to finish.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create one plot file.",
        discussion: """
            Plots (k \(Plotter.supportedK.lowerBound)–\(Plotter.supportedK.upperBound)) are built in memory when \
            they fit --memory (about 164 bytes per 2^k entries plus 144 MiB, e.g. 2.7 GiB at k = 24; k = 32 \
            always spills); otherwise the tables \
            spill in buckets to temporary files in --tmp (up to about 80 bytes per 2^k entries of disk, \
            1.3 GiB at k = 24) and memory stays under the limit. The plot is written to \
            plot-k<K>-<plot id>.lmdb in the output folder. The file appears under that name \
            only when complete and synced (a folder without room for it, about (k − 3)·2^k bytes, is refused at the start); an interrupted run leaves no such file, and a rerun starts clean. \
            Equal k, plot id and memo give byte-identical plots whatever --threads, --memory or --device say.
            """)

    @Option(name: .customShort("k"), help: "Plot size: \(Plotter.supportedK.lowerBound) to \(Plotter.supportedK.upperBound).")
    var k: Int

    @Option(name: .customLong("plot-id"), help: "Plot id, 64 hex digits (default: random, from the system CSPRNG).")
    var plotID: String?

    @Option(help: "Memo stored in the plot, hex (default: empty).")
    var memo: String = ""

    @Option(help: "Output folder.")
    var out: String = "plots"

    @Option(help: "Folder for temporary files when the plot spills to disk (default: the output folder). They are unlinked at once, so nothing stays behind.")
    var tmp: String?

    @Option(help: "Where F1, Fx and matching run: auto (the first OpenCL GPU, else the CPU), cpu, opencl (the first OpenCL device) or opencl:P:D (see `plotter devices`). The plot's bytes are the same on every device.")
    var device: String = "auto"

    @Option(help: "Threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Memory the plot may use, e.g. 4G or 512M (default: 3/4 of physical memory). Below what an in-memory plot needs, tables spill to --tmp; the plot's bytes are the same either way.")
    var memory: String?

    @Flag(help: "Print one JSON object per line: phase starts and ends with timings, then the plot file.")
    var json = false

    func validate() throws {
        guard Plotter.supportedK.contains(k) else {
            throw ValidationError("-k: expected \(Plotter.supportedK.lowerBound) to \(Plotter.supportedK.upperBound), got \(k)"
                + (Parameters.kRange.contains(k) ? " (larger plots need 128-bit line points, not implemented yet)" : ""))
        }
        guard threads >= 1 else { throw ValidationError("--threads: expected at least 1, got \(threads)") }
        if let plotID, PlotID(hex: plotID) == nil { throw ValidationError("--plot-id: expected 64 hex digits, got '\(plotID)'") }
        guard Hex.decode(memo) != nil else { throw ValidationError("--memo: expected hex digits, got '\(memo)'") }
        guard DeviceChoice(device) != nil else { throw ValidationError("--device: expected auto, cpu, opencl or opencl:P:D, got '\(device)'") }
        if let memory, MemorySize.parse(memory) == nil { throw ValidationError("--memory: expected a size like 512M or 4G, got '\(memory)'") }
    }

    func run() throws {
        let id = plotID.flatMap { PlotID(hex: $0) } ?? PlotID(bytes: (0..<32).map { _ in UInt8.random(in: 0...255) })!
        let limit = memory.flatMap(MemorySize.parse) ?? MemorySize.defaultLimit
        let chosen: (backend: any ComputeBackend, note: String)
        do { chosen = try DeviceChoice(device)!.backend(threads: threads) } catch {
            Output.error("error: \(error.description)")
            throw ExitCode(1)
        }
        let request = PlotRequest(k: k, plotID: id, memo: Hex.decode(memo) ?? [],
                                  outputDirectory: URL(fileURLWithPath: out), threads: threads,
                                  memoryLimit: limit, temporaryDirectory: tmp.map { URL(fileURLWithPath: $0) },
                                  backend: chosen.backend)
        let reporter = ProgressReporter(json: json, k: k, plotID: id)
        reporter.start(threads: threads, memoryLimit: limit, plan: SpillPlan(k: k, memoryLimit: limit), device: chosen.note)
        do {
            let result = try Plotter.create(request, progress: reporter.handle)
            reporter.finish(result)
        } catch {
            reporter.fail(error.description)
            throw ExitCode(1)
        }
    }
}
