import Crypto
import Foundation
import XCTest

/// Starts the real `farmer` over plots made by the real `plotter` and talks to it over HTTP.
final class FarmerTests: XCTestCase {
    /// Five k = 18 plots made once for the whole class; each test farms copies of some of them.
    nonisolated(unsafe) static var staging: URL!
    nonisolated(unsafe) static var plots: [(id: String, path: URL)] = []

    override class func setUp() {
        super.setUp()
        staging = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        for i in 0..<5 {
            let id = hex(SHA256.hash(data: Data("farmer test plot \(i)".utf8)))
            let result = try! Tools.run("plotter", ["create", "-k", "18", "--plot-id", id, "--out", staging.path])
            precondition(result.status == 0, "plotter failed")
            plots.append((id, staging.appendingPathComponent("plot-k18-\(id).lmdb")))
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: staging)
        super.tearDown()
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { digest.map { String(format: "%02x", $0) }.joined() }
    static func sha(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    /// A new folder holding copies of the given staging plots.
    func folder(with indices: [Int]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-plots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for i in indices { try FileManager.default.copyItem(at: Self.plots[i].path, to: dir.appendingPathComponent(Self.plots[i].path.lastPathComponent)) }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    let challenges = (0..<12).map { FarmerTests.sha("challenge \($0)") }

    /// `plotter prove` lines for a plot and challenges, split into fields.
    func plotterLines(_ plot: URL, _ challenges: [String], qualitiesOnly: Bool) throws -> [[String]] {
        let result = try Tools.run("plotter", ["prove", plot.path, "--challenges", "-"] + (qualitiesOnly ? ["--qualities-only"] : []),
                                   stdin: challenges.joined(separator: "\n"))
        XCTAssertEqual(result.status, 0)
        return result.stdout.split(separator: "\n").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// Runs `verify proofs` on lines "plot_id, k, challenge, proof, quality"; true when all verify.
    func verifies(_ lines: [String]) throws -> Bool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-proofs-\(UUID().uuidString).txt")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Tools.run("verify", ["proofs", file.path])
        return result.status == 0 && result.stdout.contains("\(lines.count) passed, 0 failed")
    }

    func testQualitiesAndProofsEqualPlotterProve() async throws {
        let dir = try folder(with: [0, 1, 2])
        let farmer = try FarmerProcess(arguments: ["--plots", dir.path])
        var served = Set<String>()
        for c in challenges {
            let answer = try await farmer.post("/v1/qualities", ["challenge": c])
            XCTAssertEqual(answer.status, 200)
            XCTAssertEqual(answer.json["plots_checked"] as? Int, 3)
            for q in answer.json["qualities"] as? [[String: Any]] ?? [] {
                served.insert("\(q["plot_id"]!), \(q["k"]!), \(c), \(q["index"]!), \(q["quality"]!)")
            }
        }
        var expected = Set<String>(), expectedProofs = Set<String>()
        for i in 0..<3 {
            for f in try plotterLines(Self.plots[i].path, challenges, qualitiesOnly: true) { expected.insert(f.joined(separator: ", ")) }
            for f in try plotterLines(Self.plots[i].path, challenges, qualitiesOnly: false) { expectedProofs.insert(f.joined(separator: ", ")) }
        }
        XCTAssertGreaterThan(expected.count, 10, "too few proofs to compare")
        XCTAssertEqual(served, expected)

        var proofs = Set<String>()
        for line in served {
            let f = line.components(separatedBy: ", ")
            let answer = try await farmer.post("/v1/proofs", ["plot_id": f[0], "challenge": f[2], "index": Int(f[3])!])
            XCTAssertEqual(answer.status, 200, String(decoding: answer.data, as: UTF8.self))
            let j = answer.json
            XCTAssertEqual(j["quality"] as? String, f[4])
            proofs.insert("\(j["plot_id"]!), \(j["k"]!), \(j["challenge"]!), \(j["proof"]!), \(j["quality"]!)")
        }
        XCTAssertEqual(proofs, expectedProofs)
        XCTAssertTrue(try verifies(Array(proofs)))

        let missing = try await farmer.post("/v1/proofs", ["plot_id": Self.plots[0].id, "challenge": challenges[0], "index": 99])
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.errorField, "index")
        XCTAssertEqual(farmer.stop(), 0, "SIGTERM must stop the farmer with exit status 0")
    }

    func testSignagePointsFollowChiaRules() async throws {
        let dir = try folder(with: [0, 1, 2])
        let farmer = try FarmerProcess(arguments: ["--plots", dir.path])
        let fork: UInt64 = 5_496_000
        // Filter widths, winners and losers, an explicit DCF (number and decimal string), a given
        // cc_sp_output_hash, the phase-out before, during and after its ramp, and a saturated result.
        let cases: [[String: Any]] = [
            ["filter_bits": 0, "difficulty": 1, "sub_slot_iters": UInt64(1) << 63],
            ["filter_bits": 0, "difficulty": 1000, "sub_slot_iters": 37_748_736_000],
            ["filter_bits": 1, "difficulty": 5, "sub_slot_iters": UInt64(1) << 40, "cc_sp_output_hash": Self.sha("cc")],
            ["filter_bits": 2, "difficulty": 3, "sub_slot_iters": UInt64(1) << 50],
            ["filter_bits": 8, "difficulty": 1, "sub_slot_iters": UInt64(1) << 62],
            ["filter_bits": 0, "difficulty": 7, "sub_slot_iters": UInt64(1) << 45, "difficulty_constant_factor": UInt64(1) << 60],
            ["filter_bits": 0, "difficulty": UInt64(1) << 40, "sub_slot_iters": 37_748_736_000,
             "difficulty_constant_factor": "147573952589676412928"],
            ["filter_bits": 0, "difficulty": 1, "sub_slot_iters": UInt64(1) << 50,
             "prev_transaction_block_height": fork - 10, "hard_fork2_height": fork],
            ["filter_bits": 0, "difficulty": 1, "sub_slot_iters": UInt64(1) << 50,
             "prev_transaction_block_height": fork + 1_234_567, "hard_fork2_height": fork],
            ["filter_bits": 0, "difficulty": 1, "sub_slot_iters": UInt64(1) << 50,
             "prev_transaction_block_height": fork + 20_000_000, "hard_fork2_height": fork],
            ["filter_bits": 0, "difficulty": UInt64.max, "sub_slot_iters": UInt64.max,
             "difficulty_constant_factor": "170141183460469231731687303715884105728"],
        ]
        var queries: [[String: Any]] = [], answers: [[String: Any]] = [], keys: [(answer: Int, plot: Int)] = []
        for (n, base) in cases.enumerated() {
            for s in 0..<4 {
                var request = base
                request["challenge_hash"] = Self.sha("challenge chain \(n)")
                request["sp_hash"] = Self.sha("signage point \(n).\(s)")
                let answer = try await farmer.post("/v1/signage-points", request)
                XCTAssertEqual(answer.status, 200, String(decoding: answer.data, as: UTF8.self))
                answers.append(answer.json)
                for p in 0..<3 {
                    var query = request
                    query["plot_id"] = Self.plots[p].id
                    query["k"] = 18
                    query["qualities"] = (answer.json["qualities"] as? [[String: Any]] ?? [])
                        .filter { $0["plot_id"] as? String == Self.plots[p].id }.map { $0["quality"] as! String }
                    queries.append(query)
                    keys.append((answers.count - 1, p))
                }
            }
        }
        let input = try queries.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let python = try Tools.run("python3", [Tools.repoRoot.appendingPathComponent("Tests/FarmingTests/chia_rules.py").path],
                                   stdin: input.joined(separator: "\n"))
        XCTAssertEqual(python.status, 0)
        let expected = python.stdout.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(expected.count, queries.count)

        var passCount = [Int](repeating: 0, count: answers.count)
        var challengesByPlot = [[String]](repeating: [], count: 3)
        var proofLines: [String] = [], winners = 0, losers = 0, failedFilter = 0
        for (i, (a, p)) in keys.enumerated() {
            let want = expected[i], answer = answers[a]
            let mine = (answer["qualities"] as? [[String: Any]] ?? []).filter { $0["plot_id"] as? String == Self.plots[p].id }
            XCTAssertEqual(answer["sp_interval_iters"] as? UInt64, want["sp_interval_iters"] as? UInt64)
            guard want["passes"] as? Bool == true else {
                failedFilter += 1
                XCTAssertTrue(mine.isEmpty, "a plot that fails the filter must not answer")
                continue
            }
            passCount[a] += 1
            challengesByPlot[p].append(want["challenge"] as! String)
            let wantIters = (want["required_iters"] as! [Any]).map { ($0 as! NSNumber).uint64Value }
            XCTAssertEqual(mine.map { ($0["required_iters"] as! NSNumber).uint64Value }, wantIters, "required_iters, query \(i)")
            let interval = (want["sp_interval_iters"] as! NSNumber).uint64Value
            for q in mine {
                XCTAssertEqual(q["challenge"] as? String, want["challenge"] as? String)
                let iters = (q["required_iters"] as! NSNumber).uint64Value
                if iters < interval {
                    winners += 1
                    let proof = try XCTUnwrap(q["proof"] as? String, "a winning quality carries its proof")
                    proofLines.append("\(q["plot_id"]!), 18, \(q["challenge"]!), \(proof), \(q["quality"]!)")
                } else {
                    losers += 1
                    XCTAssertNil(q["proof"], "a losing quality carries no proof")
                }
            }
        }
        for (a, answer) in answers.enumerated() {
            XCTAssertEqual(answer["plots_passed"] as? Int, passCount[a])
            XCTAssertEqual(answer["plots_checked"] as? Int, 3)
        }
        let metrics = String(decoding: try await farmer.get("/metrics").data, as: UTF8.self)
        XCTAssertTrue(metrics.contains("daylight_farmer_signage_points_total \(answers.count)\n"), metrics)
        XCTAssertTrue(metrics.contains("daylight_farmer_plots_passed_filter_total \(passCount.reduce(0, +))\n"))
        XCTAssertTrue(metrics.contains("daylight_farmer_proofs_found_total \(winners)\n"))
        XCTAssertGreaterThan(winners, 10)
        XCTAssertGreaterThan(losers, 10)
        XCTAssertGreaterThan(failedFilter, 5)
        XCTAssertTrue(try verifies(proofLines))

        // The qualities are exactly what `plotter prove` finds for the plot's proof-of-space challenge.
        for p in 0..<3 {
            let want = Set(try plotterLines(Self.plots[p].path, challengesByPlot[p], qualitiesOnly: true).map { "\($0[2]) \($0[4])" })
            var got = Set<String>()
            for answer in answers {
                for q in answer["qualities"] as? [[String: Any]] ?? [] where q["plot_id"] as? String == Self.plots[p].id {
                    got.insert("\(q["challenge"]!) \(q["quality"]!)")
                }
            }
            XCTAssertEqual(got, want)
        }
        XCTAssertEqual(farmer.stop(), 0)
    }

    func testPlotsAddedAndRemovedWithoutRestart() async throws {
        // Two folders; the second holds another copy of plot 0, which is listed but farmed once.
        let dir = try folder(with: [0]), second = try folder(with: [0])
        let farmer = try FarmerProcess(arguments: ["--plots", "\(dir.path),\(second.path)"])
        let plot = Self.plots[3]
        let target = dir.appendingPathComponent(plot.path.lastPathComponent)
        // A plotter's temporary file is never farmed.
        try Data(repeating: 7, count: 4096).write(to: dir.appendingPathComponent(".\(plot.path.lastPathComponent).partial"))
        let start = Date()
        try FileManager.default.copyItem(at: plot.path, to: target)
        let added = try await farmer.waitForPlots { plots in plots.contains { $0["plot_id"] as? String == plot.id && $0["status"] as? String == "ok" } }
        XCTAssertTrue(added.contains { $0["plot_id"] as? String == plot.id && $0["status"] as? String == "ok" }, "\(added)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "a new plot must be farmed within a few seconds")
        let record = try XCTUnwrap(added.first { $0["plot_id"] as? String == plot.id })
        XCTAssertEqual(record["k"] as? Int, 18)
        XCTAssertEqual(record["format_version"] as? Int, 2)
        XCTAssertEqual(record["path"] as? String, target.path)
        XCTAssertEqual(record["bytes"] as? Int, try FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int)
        XCTAssertEqual(added.count, 3, "the .partial file must not be listed")
        XCTAssertEqual(added.filter { $0["plot_id"] as? String == Self.plots[0].id }.compactMap { $0["status"] as? String }.sorted(),
                       ["duplicate", "ok"])
        var ids = Set<String>()
        for c in challenges {
            let answer = try await farmer.post("/v1/qualities", ["challenge": c])
            XCTAssertEqual(answer.json["plots_checked"] as? Int, 2)
            for q in answer.json["qualities"] as? [[String: Any]] ?? [] { ids.insert(q["plot_id"] as! String) }
        }
        XCTAssertTrue(ids.contains(plot.id), "the new plot answers challenges")

        try FileManager.default.removeItem(at: target)
        let removed = try await farmer.waitForPlots { plots in !plots.contains { $0["plot_id"] as? String == plot.id } }
        XCTAssertEqual(removed.count, 2)
        let answer = try await farmer.post("/v1/qualities", ["challenge": challenges[0]])
        XCTAssertEqual(answer.json["plots_checked"] as? Int, 1)
        XCTAssertEqual(farmer.stop(), 0)
    }

    func testDamagedPlotsAreReportedAndSkipped() async throws {
        let dir = try folder(with: [0, 1])
        // A copy of plot 2 with one byte in every 4 KiB page flipped, and a copy of plot 4 cut in half.
        var bytes = try Data(contentsOf: Self.plots[2].path)
        for offset in stride(from: 16_384 + 100, to: bytes.count, by: 4096) { bytes[offset] ^= 0xFF }
        let corrupt = dir.appendingPathComponent(Self.plots[2].path.lastPathComponent)
        try bytes.write(to: corrupt)
        let whole = try Data(contentsOf: Self.plots[4].path)
        let truncated = dir.appendingPathComponent(Self.plots[4].path.lastPathComponent)
        try whole.prefix(whole.count / 2).write(to: truncated)

        let farmer = try FarmerProcess(arguments: ["--plots", dir.path])
        for c in challenges { _ = try await farmer.post("/v1/qualities", ["challenge": c]) }
        let plots = try await farmer.get("/v1/plots").json["plots"] as? [[String: Any]] ?? []
        XCTAssertEqual(plots.count, 4)
        for bad in [corrupt, truncated] {
            let record = plots.first { $0["path"] as? String == bad.path }
            XCTAssertEqual(record?["status"] as? String, "error", "\(bad.lastPathComponent)")
            XCTAssertFalse((record?["error"] as? String ?? "").isEmpty)
        }
        XCTAssertTrue((plots.first { $0["path"] as? String == truncated.path }?["error"] as? String ?? "").contains("truncated"))
        XCTAssertTrue(farmer.logText.contains(truncated.path), "the log names the damaged plot")

        var served = Set<String>()
        for c in challenges {
            let answer = try await farmer.post("/v1/qualities", ["challenge": c])
            XCTAssertEqual(answer.json["plots_checked"] as? Int, 2)
            for q in answer.json["qualities"] as? [[String: Any]] ?? [] { served.insert("\(q["plot_id"]!), \(c), \(q["quality"]!)") }
        }
        var expected = Set<String>()
        for i in 0..<2 {
            for f in try plotterLines(Self.plots[i].path, challenges, qualitiesOnly: true) { expected.insert("\(f[0]), \(f[2]), \(f[4])") }
        }
        XCTAssertEqual(served, expected, "the good plots still answer exactly")
        let metrics = String(decoding: try await farmer.get("/metrics").data, as: UTF8.self)
        XCTAssertTrue(metrics.contains("daylight_farmer_plots{status=\"error\"} 2"), metrics)
        XCTAssertTrue(metrics.contains("daylight_farmer_plots{status=\"ok\"} 2"))
        XCTAssertEqual(farmer.stop(), 0)
    }

    func testMalformedRequestsAreRefusedNamingTheField() async throws {
        let dir = try folder(with: [0])
        let farmer = try FarmerProcess(arguments: ["--plots", dir.path])
        let good: [String: Any] = ["challenge_hash": Self.sha("c"), "sp_hash": Self.sha("s"), "filter_bits": 0,
                                   "difficulty": 1, "sub_slot_iters": 37_748_736_000]
        func with(_ changes: [String: Any?]) -> Data {
            var body = good
            for (key, value) in changes { body[key] = value ?? nil }
            return try! JSONSerialization.data(withJSONObject: body)
        }
        let sp = "/v1/signage-points"
        let cases: [(path: String, body: Data, status: Int, field: String)] = [
            (sp, Data("{".utf8), 400, "body"),
            (sp, Data("[1]".utf8), 400, "body"),
            (sp, with(["sp_hash": nil]), 400, "sp_hash"),
            (sp, with(["sp_hash": "zz"]), 400, "sp_hash"),
            (sp, with(["challenge_hash": String(repeating: "a", count: 62)]), 400, "challenge_hash"),
            (sp, with(["challenge_hash": 5]), 400, "challenge_hash"),
            (sp, with(["filter_bits": 257]), 400, "filter_bits"),
            (sp, with(["filter_bits": -1]), 400, "filter_bits"),
            (sp, with(["filter_bits": 1.5]), 400, "filter_bits"),
            (sp, with(["difficulty": 0]), 400, "difficulty"),
            (sp, with(["difficulty": "1"]), 400, "difficulty"),
            (sp, Data(String(decoding: with([:]), as: UTF8.self).replacingOccurrences(of: "37748736000", with: "18446744073709551616").utf8), 400, "sub_slot_iters"),
            (sp, with(["difficulty_constant_factor": "12x"]), 400, "difficulty_constant_factor"),
            (sp, with(["prev_transaction_block_height": "10"]), 400, "prev_transaction_block_height"),
            (sp, Data(String(decoding: with([:]), as: UTF8.self).replacingOccurrences(of: "}", with: ", \"hard_fork2_height\": null}").utf8), 400, "hard_fork2_height"),
            (sp, with(["difficulty_constant_factor": 340_282_366_920_938_463_463_374_607_431_768_211_455.0]), 400, "difficulty_constant_factor"),
            (sp, with(["difficulty_constant_factor": "0147573952589676412928"]), 400, "difficulty_constant_factor"),
            (sp, with(["hard_fork2_height": 4_294_967_296, "prev_transaction_block_height": 1]), 400, "hard_fork2_height"),
            (sp, with(["filterbits": 3]), 400, "filterbits"),
            (sp, with(["cc_sp_output_hash": Self.sha("x") + "00"]), 400, "cc_sp_output_hash"),
            (sp, Data(("{\"sp_hash\": \"" + String(repeating: "0", count: 70_000) + "\"}").utf8), 413, "body"),
            ("/v1/qualities", Data("{}".utf8), 400, "challenge"),
            ("/v1/qualities", Data("{\"challenge\": null}".utf8), 400, "challenge"),
            ("/v1/proofs", try JSONSerialization.data(withJSONObject: ["plot_id": Self.sha("nobody"), "challenge": Self.sha("c"), "index": 0]), 404, "plot_id"),
            ("/v1/proofs", try JSONSerialization.data(withJSONObject: ["plot_id": Self.plots[0].id, "challenge": Self.sha("c"), "index": -1]), 400, "index"),
        ]
        for c in cases {
            let answer = try await farmer.send("POST", c.path, body: c.body)
            let text = String(decoding: answer.data.prefix(300), as: UTF8.self)
            XCTAssertEqual(answer.status, c.status, "\(c.field): \(text)")
            XCTAssertEqual(answer.errorField, c.field, text)
        }
        let health = try await farmer.get("/healthz")
        XCTAssertEqual(health.status, 200)
        let metrics = String(decoding: try await farmer.get("/metrics").data, as: UTF8.self)
        XCTAssertTrue(metrics.contains("daylight_farmer_errors_total{kind=\"bad_request\"} 23"), metrics)
        XCTAssertEqual(farmer.stop(), 0)
    }

    func testTokenConfigFileAndEnvironment() async throws {
        let dir = try folder(with: [1])
        let config = dir.appendingPathComponent("farmer.json")
        try Data("{\"plots\": [\"\(dir.path)\"], \"deadline_s\": 2, \"max_body_bytes\": 4096}".utf8).write(to: config)
        let farmer = try FarmerProcess(arguments: ["--config", config.path], environment: ["DAYLIGHT_FARMER_TOKEN": "s3cret"])
        let health = try await farmer.get("/healthz")
        XCTAssertEqual(health.status, 200, "/healthz needs no token")
        let anonymous = try await farmer.get("/v1/plots")
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.errorField, "Authorization")
        let wrong = try await farmer.get("/metrics", token: "guess")
        XCTAssertEqual(wrong.status, 401)
        let plots = try await farmer.get("/v1/plots", token: "s3cret")
        XCTAssertEqual(plots.status, 200)
        XCTAssertEqual((plots.json["plots"] as? [[String: Any]])?.first?["plot_id"] as? String, Self.plots[1].id)
        let large = try await farmer.send("POST", "/v1/qualities", body: Data(repeating: 0x20, count: 5000), token: "s3cret")
        XCTAssertEqual(large.status, 413, "max_body_bytes from the config file applies")
        XCTAssertEqual(farmer.stop(signal: SIGINT), 0, "SIGINT stops the farmer cleanly too")
    }

    func testBadSettingsExitWithStatus2() throws {
        let missing = try Tools.run("farmer", ["--plots", "/nonexistent/plots"])
        XCTAssertEqual(missing.status, 2)
        let dir = try folder(with: [])
        let badListen = try Tools.run("farmer", ["--plots", dir.path, "--listen", "localhost"])
        XCTAssertEqual(badListen.status, 2)
    }
}
