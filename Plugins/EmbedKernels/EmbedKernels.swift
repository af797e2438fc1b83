import Foundation
import PackagePlugin

/// Embeds the OpenCL C sources of `kernels/` into the target as Swift string literals at build
/// time, so a binary copied anywhere carries its kernels, and `kernels/` stays their one source.
@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "kernels")
        let sources = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "cl" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernels.swift")
        return [.buildCommand(displayName: "Embedding \(sources.count) OpenCL kernel sources",
                              executable: try context.tool(named: "KernelEmbedder").url,
                              arguments: [output.path] + sources.map(\.path),
                              inputFiles: sources, outputFiles: [output])]
    }
}
