import Foundation
import Testing

/// `plotter create` and `plotter prove` as a user runs them, and `verify plot` on the result.
@Suite(.serialized) struct PlotterCommandTests {
    static let plotID = "23023404333717545b0a6f0c0dde9710e4d3fe2d5cc6cc0a090a0b818bab0f17"

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func createProveAndSpotCheck() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let create = try Tool.run(["create", "-k", "18", "--plot-id", Self.plotID, "--out", dir.path, "--json"], tool: "plotter")
        #expect(create.status == 0, "\(create.stderr)")
        let events = try create.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(events.first?["event"] as? String == "start")
        #expect(events.filter { $0["event"] as? String == "phase_end" }.count == 4)
        #expect(events.filter { $0["event"] as? String == "phase_end" }.allSatisfy { $0["seconds"] is Double })
        let plot = try #require(events.last?["plot"] as? String)
        #expect(events.last?["event"] as? String == "done")
        #expect(FileManager.default.fileExists(atPath: plot))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [(plot as NSString).lastPathComponent])

        let vectorChallenges = Tool.vectorLines.map { Tool.fields($0)[2] }
        let prove = try Tool.run(["prove", plot, "--challenges", "-"], stdin: vectorChallenges.joined(separator: "\n"), tool: "plotter")
        #expect(prove.status == 0, "\(prove.stderr)")
        let lines = prove.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix(Self.plotID + ", 18, ") })
        let verify = try Tool.run(["proofs", "-"], stdin: prove.stdout)
        #expect(verify.status == 0)
        #expect(verify.stdout.hasSuffix("\(lines.count) passed, 0 failed\n"))

        let qualities = try Tool.run(["prove", plot, "--challenges", "-", "--qualities-only"],
                                     stdin: vectorChallenges.joined(separator: "\n"), tool: "plotter")
        #expect(qualities.stdout.split(separator: "\n").map { $0.split(separator: ",").last! }
                == lines.map { $0.split(separator: ",").last! })

        let spot = try Tool.run(["plot", plot, "-n", "100"])
        #expect(spot.status == 0)
        #expect(spot.stdout.contains("100 challenges, 95 proofs"))
        #expect(spot.stdout.contains("0 invalid"))

        // A damaged copy is reported, not proved from.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: plot))
        for i in stride(from: bytes.count / 3, to: bytes.count, by: 4096) { bytes[i] ^= 0xFF }
        let damaged = dir.appendingPathComponent("damaged.lmdb")
        try bytes.write(to: damaged)
        let bad = try Tool.run(["plot", damaged.path, "-n", "100"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("damaged.lmdb"))
        let badProve = try Tool.run(["prove", damaged.path, "--challenges", "-"],
                                    stdin: vectorChallenges.joined(separator: "\n"), tool: "plotter")
        #expect(badProve.status == 1)
    }

    @Test(arguments: [
        (["create", "-k", "17", "--out", "/tmp"], "-k"),
        (["create", "-k", "51", "--out", "/tmp"], "-k"),
        (["create", "-k", "33", "--out", "/tmp"], "-k"),
        (["create", "-k", "18", "--plot-id", "abc"], "--plot-id"),
        (["create", "-k", "18", "--memo", "xyz"], "--memo"),
        (["create", "-k", "18", "--memory", "lots"], "--memory"),
        (["prove", "plots/none.lmdb", "--challenge", "zz"], "--challenge"),
        (["prove", "plots/none.lmdb"], "--challenge"),
    ])
    func badArgumentsAreRefusedNamingTheField(arguments: [String], field: String) throws {
        let r = try Tool.run(arguments, tool: "plotter")
        #expect(r.status != 0)
        #expect(r.stderr.contains(field), "\(r.stderr)")
    }

    @Test func unwritableOutputAndMissingPlotFailWithThePath() throws {
        let out = try Tool.run(["create", "-k", "18", "--plot-id", Self.plotID, "--out", "/proc/version/plots"], tool: "plotter")
        #expect(out.status == 1)
        #expect(out.stderr.contains("/proc/version/plots"))
        let missing = try Tool.run(["prove", "/nonexistent/plot.lmdb", "--challenge", String(repeating: "ab", count: 32)], tool: "plotter")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/plot.lmdb"))
    }

    @Test func smallMemorySpillsToTheTemporaryFolderOrIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("daylight-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let refused = try Tool.run(["create", "-k", "20", "--memory", "20M", "--out", dir.path], tool: "plotter")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("needs at least"))
        #expect(refused.stderr.contains("20 MiB"))
        let spilled = try Tool.run(["create", "-k", "18", "--memory", "180M", "--tmp", dir.path, "--out", dir.path], tool: "plotter")
        #expect(spilled.status == 0)
        #expect(spilled.stderr.contains("spilling to disk"))
        // Only the plot is left: the temporary files were unlinked as they were made.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).count == 1)
    }

    /// A full output or temporary disk is refused at the start with the folder and the space
    /// named, and nothing is left behind. Needs root to mount small tmpfs folders.
    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDisksAreRefusedBeforeWork() throws {
        let dir = try Self.temporaryDirectory()
        let small = dir.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=2M", "tmpfs", small.path]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "mount -t tmpfs failed")
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [small.path]
            try? umount.run()
            umount.waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }
        let fullOut = try Tool.run(["create", "-k", "20", "--out", small.path], tool: "plotter")
        #expect(fullOut.status == 1)
        #expect(fullOut.stderr.contains("\(small.path) has ") && fullOut.stderr.contains(" MiB free; this plot needs about 17 MiB there"), "\(fullOut.stderr)")
        let fullTmp = try Tool.run(["create", "-k", "20", "--memory", "250M", "--tmp", small.path, "--out", dir.path], tool: "plotter")
        #expect(fullTmp.status == 1)
        #expect(fullTmp.stderr.contains("\(small.path) has ") && fullTmp.stderr.contains(" MiB free; this plot needs about 80 MiB there"), "\(fullTmp.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["small"])
    }
}
