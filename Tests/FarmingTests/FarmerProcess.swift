import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The built executables (`farmer`, `plotter`, `verify`) sit beside the test bundle.
enum Tools {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func executable(_ name: String) -> URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Runs a tool to completion; returns its status and standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String) {
        let process = Process()
        if tool == "python3" {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
        } else {
            process.executableURL = executable(tool)
            process.arguments = arguments
        }
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        // Write from another thread: a large input could otherwise fill the pipe while the tool's output fills its own.
        let text = stdin ?? ""
        let writer = Thread {
            input.fileHandleForWriting.write(Data(text.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A response from the farmer: status and the JSON body.
struct HTTPAnswer {
    let status: Int
    let data: Data
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
    /// The `field` of an error body.
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
}

/// A real `farmer` process on a free loopback port, stopped with SIGTERM.
final class FarmerProcess {
    let process = Process()
    let port: Int
    let log: URL

    init(arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = Tools.executable("farmer")
        process.arguments = ["--listen", "127.0.0.1:0", "--rescan-interval", "0.2"] + arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DAYLIGHT_FARMER_") }
            .merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // The farmer prints one line once it listens: "farmer listening on http://HOST:PORT".
        var seen = Data()
        var port: Int?
        while port == nil {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
            if let line = String(decoding: seen, as: UTF8.self).split(separator: "\n").first(where: { $0.contains("listening on") }),
               let colon = line.lastIndex(of: ":") {
                port = Int(line[line.index(after: colon)...])
            }
        }
        guard let port else {
            process.waitUntilExit()
            throw NSError(domain: "FarmerProcess", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "farmer did not start: \(String(decoding: seen, as: UTF8.self)) "
                                      + ((try? String(contentsOf: log, encoding: .utf8)) ?? "")])
        }
        self.port = port
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGTERM unless told) and returns the exit status.
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func get(_ path: String, token: String? = nil) async throws -> HTTPAnswer {
        try await send("GET", path, body: nil, token: token)
    }

    func post(_ path: String, _ object: [String: Any], token: String? = nil) async throws -> HTTPAnswer {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: object), token: token)
    }

    func send(_ method: String, _ path: String, body: Data?, token: String? = nil) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, data: data)
    }

    /// Polls `GET /v1/plots` until `condition` holds for the list, for up to `seconds`.
    func waitForPlots(seconds: Double = 8, _ condition: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let end = Date().addingTimeInterval(seconds)
        while true {
            let plots = try await get("/v1/plots").json["plots"] as? [[String: Any]] ?? []
            if condition(plots) || Date() > end { return plots }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
