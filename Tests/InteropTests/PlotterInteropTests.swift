import Foundation
import PoSpace
import Testing

/// Differential test of the plotter and prover against the reference implementation: one
/// k = 18 plot of a fresh random plot id, made by our `plotter create` and by chiapos 2.0.12's
/// DiskPlotter (PyPI, driven by `tools/chiapos_plot_oracle.py`); for 300 random challenges our
/// `plotter prove` must find exactly the proofs chiapos's DiskProver finds, with the same
/// qualities, in the same order, and `verify proofs` must accept every one of ours.
///
/// Every failure message names the plot id; set `DAYLIGHT_INTEROP_PLOT_ID=<64 hex digits>` to
/// rerun with that id. chiapos must be installed (`tools/setup --test`); when it is missing the
/// test fails. Set `DAYLIGHT_SKIP_INTEROP=1` to disable it instead.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["DAYLIGHT_SKIP_INTEROP"] != "1",
                "DAYLIGHT_SKIP_INTEROP=1 is set"))
struct PlotterInteropTests {
    static let k = 18
    static let challengeCount = 300

    @Test func plotAndProofsMatchChiapos() throws {
        let environment = ProcessInfo.processInfo.environment
        let plotID: String
        if let given = environment["DAYLIGHT_INTEROP_PLOT_ID"], !given.isEmpty {
            plotID = given.lowercased()
            try #require(PlotID(hex: plotID) != nil, "DAYLIGHT_INTEROP_PLOT_ID: expected 64 hex digits, got '\(given)'")
        } else {
            plotID = PlotTools.randomHex(bytes: 32)
        }
        let context = "k = \(Self.k), plot id \(plotID) (rerun with DAYLIGHT_INTEROP_PLOT_ID=\(plotID))"
        let challenges = (0..<Self.challengeCount).map { _ in PlotTools.randomHex(bytes: 32) }

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("daylight-plot-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tools = PlotTools(directory: directory)

        // Our plot.
        let ourDirectory = directory.appendingPathComponent("ours")
        try FileManager.default.createDirectory(at: ourDirectory, withIntermediateDirectories: true)
        let created = try tools.run(PlotTools.plotter, ["create", "-k", "\(Self.k)", "--plot-id", plotID,
                                                        "--out", ourDirectory.path, "--threads", "2"])
        try #require(created.status == 0, "plotter create failed (status \(created.status)), \(context): \(created.stderr)")
        let ourPlot = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(FileManager.default.fileExists(atPath: ourPlot),
                     "plotter create printed '\(ourPlot)', which is no file; \(context)")

        // chiapos's plot.
        let theirPlot = try tools.chiaposPlot(k: Self.k, plotID: plotID,
                                              out: directory.appendingPathComponent("chiapos"), context: context)

        // Proofs for the same challenges from both.
        let challengeFile = directory.appendingPathComponent("challenges.txt")
        try Data(challenges.map { $0 + "\n" }.joined().utf8).write(to: challengeFile)
        let proved = try tools.run(PlotTools.plotter, ["prove", ourPlot, "--challenges", challengeFile.path])
        try #require(proved.status == 0, "plotter prove failed (status \(proved.status)), \(context): \(proved.stderr)")
        let theirs = try tools.runOracle(["prove", theirPlot, "--challenges", challengeFile.path], context: context)

        let ourProofs = try PlotTools.parse(proved.stdout, source: "plotter prove", context: context)
        let theirProofs = try PlotTools.parse(theirs, source: "chiapos", context: context)

        var mismatches: [String] = []
        var total = 0
        for challenge in challenges {
            let ours = ourProofs.byChallenge[challenge] ?? []
            let reference = theirProofs.byChallenge[challenge] ?? []
            total += reference.count
            if ours.count != reference.count {
                mismatches.append("challenge \(challenge): \(ours.count) proofs, chiapos finds \(reference.count)")
                continue
            }
            for (i, (mine, other)) in zip(ours, reference).enumerated() where mine != other {
                if mine.proof != other.proof {
                    mismatches.append("challenge \(challenge), proof \(i): ours \(mine.proof), chiapos \(other.proof)")
                } else {
                    mismatches.append("challenge \(challenge), proof \(i): quality ours \(mine.quality), chiapos \(other.quality)")
                }
            }
        }
        let unasked = Set(ourProofs.byChallenge.keys).union(theirProofs.byChallenge.keys).subtracting(challenges)
        for challenge in unasked.sorted() { mismatches.append("challenge \(challenge) was never asked for") }
        for line in mismatches.prefix(20) { Issue.record("\(line); \(context)") }
        let mismatchCount = mismatches.count
        #expect(mismatchCount == 0, "\(mismatchCount) mismatches over \(challenges.count) challenges (the first 20 are listed above); \(context)")

        let wrongHeader = ourProofs.lines.filter { $0.plotID != plotID || $0.k != Self.k }.count
        #expect(wrongHeader == 0, "\(wrongHeader) of our lines name another plot id or k; \(context)")
        #expect(ourProofs.lines.count == theirProofs.lines.count,
                "ours \(ourProofs.lines.count) proofs, chiapos \(theirProofs.lines.count); \(context)")
        #expect(total > 200, "only \(total) proofs over \(challenges.count) challenges; too few to mean much; \(context)")

        // Our proofs verify.
        let verified = try tools.run(PlotTools.verify, ["proofs", "-"], stdin: proved.stdout)
        #expect(verified.status == 0, "verify proofs failed (status \(verified.status)), \(context): \(verified.stdout.suffix(2000)) \(verified.stderr)")
        #expect(verified.stdout.hasSuffix("\(ourProofs.lines.count) passed, 0 failed\n"),
                "verify proofs says '\(verified.stdout.suffix(200))'; \(context)")
    }
}

/// Runs our tools and the chiapos plot oracle, with files for every stream so nothing blocks.
struct PlotTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// One line of `prove` output: plot_id, k, challenge, proof, quality.
    struct ProofLine: Equatable {
        let plotID: String
        let k: Int
        let challenge: String
        let proof: String
        let quality: String
    }

    struct Parsed {
        let lines: [ProofLine]
        /// Each challenge's (proof, quality) pairs, in output order.
        let byChallenge: [String: [Pair]]
    }

    struct Pair: Equatable {
        let proof: String
        let quality: String
    }

    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let oracle = repoRoot.appendingPathComponent("tools/chiapos_plot_oracle.py")
    static let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    static let plotter = binaries.appendingPathComponent("plotter")
    static let verify = binaries.appendingPathComponent("verify")

    /// Where the streams of each run go.
    let directory: URL

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    func run(_ executable: URL, _ arguments: [String], stdin: String? = nil) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "\(executable.path) is missing; build the package first (swift build)")
        }
        let id = UUID().uuidString
        let input = directory.appendingPathComponent("\(id).in")
        let output = directory.appendingPathComponent("\(id).out")
        let errors = directory.appendingPathComponent("\(id).err")
        defer {
            for file in [input, output, errors] { try? FileManager.default.removeItem(at: file) }
        }
        try Data((stdin ?? "").utf8).write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.repoRoot
        let inHandle = try FileHandle(forReadingFrom: input)
        let outHandle = try FileHandle(forWritingTo: output)
        let errHandle = try FileHandle(forWritingTo: errors)
        defer {
            try? inHandle.close()
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardInput = inHandle
        process.standardOutput = outHandle
        process.standardError = errHandle
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(executable.path): \(error)")
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: (try? String(contentsOf: output, encoding: .utf8)) ?? "",
                   stderr: ((try? String(contentsOf: errors, encoding: .utf8)) ?? "")
                       .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `chiapos_plot_oracle.py` and returns its standard output.
    func runOracle(_ arguments: [String], context: String) throws -> String {
        let result = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.oracle.path] + arguments)
        switch result.status {
        case 0:
            return result.stdout
        case 3:
            throw Failure(description: "\(result.stderr.isEmpty ? "chiapos is not installed" : result.stderr)"
                          + "; or set DAYLIGHT_SKIP_INTEROP=1 to skip the chiapos interop tests")
        case let status:
            throw Failure(description: "chiapos_plot_oracle.py \(arguments.first ?? "") exited with status \(status), "
                          + "\(context): \(result.stderr)")
        }
    }

    /// Plots with chiapos's DiskPlotter; returns the plot file's path.
    func chiaposPlot(k: Int, plotID: String, out: URL, context: String) throws -> String {
        let reply = try runOracle(["plot", "--k", "\(k)", "--plot-id", plotID, "--out", out.path, "--threads", "2",
                                   "--buffer", "100", "--buckets", "32", "--stripe", "4000"], context: context)
        let line = reply.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let path = object["plot"] as? String, FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "chiapos_plot_oracle.py plot answered '\(reply)', naming no plot file; \(context)")
        }
        return path
    }

    /// Parses `prove` output; every line must have five well-formed fields.
    static func parse(_ text: String, source: String, context: String) throws -> Parsed {
        var lines: [ProofLine] = []
        var byChallenge: [String: [Pair]] = [:]
        for (number, raw) in text.split(separator: "\n").enumerated() {
            let f = raw.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 5, let k = Int(f[1]), f[0].count == 64, f[2].count == 64, f[4].count == 64,
                  Hex.decode(f[3]) != nil else {
                throw Failure(description: "\(source), output line \(number + 1) is malformed: '\(raw)'; \(context)")
            }
            let line = ProofLine(plotID: f[0].lowercased(), k: k, challenge: f[2].lowercased(),
                                 proof: f[3].lowercased(), quality: f[4].lowercased())
            lines.append(line)
            byChallenge[line.challenge, default: []].append(Pair(proof: line.proof, quality: line.quality))
        }
        return Parsed(lines: lines, byChallenge: byChallenge)
    }
}
