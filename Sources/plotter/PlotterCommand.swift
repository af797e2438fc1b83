import ArgumentParser
import Foundation

/// `plotter`: makes proof-of-space plots and proves from them.
@main
struct PlotterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plotter",
        abstract: "Create Chia-compatible proof-of-space plots (format v1.0) and find proofs in them.",
        subcommands: [CreateCommand.self, ProveCommand.self, DevicesCommand.self])
}
