import Foundation

/// Runs the built executables (`verify`, `plotter`), which sit beside the test bundle in the build folder.
enum Tool {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func executable(_ name: String) -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, tool: String = "verify",
                    environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = executable(tool)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = repoRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    /// The bundled vector lines, split into their five fields.
    static let vectorLines: [String] = ((try? String(contentsOf: repoRoot.appendingPathComponent("vectors/chiapos/test_proofs_k21.txt"),
                                                    encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)

    static func fields(_ line: String) -> [String] {
        line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
