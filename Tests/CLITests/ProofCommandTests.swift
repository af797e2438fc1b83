import Foundation
import Testing

@Suite struct ProofCommandTests {
    let f = Tool.fields(Tool.vectorLines[0])

    func args(plotID: String? = nil, k: String = "21", challenge: String? = nil, proof: String? = nil) -> [String] {
        ["proof", "--plot-id", plotID ?? f[0], "--k", k, "--challenge", challenge ?? f[2], "--proof", proof ?? f[3]]
    }

    @Test func validProofPrintsItsQuality() throws {
        let r = try Tool.run(args())
        #expect(r.status == 0)
        #expect(r.stdout == f[4] + "\n")
    }

    @Test func validProofAsJSON() throws {
        let r = try Tool.run(args() + ["--json"])
        #expect(r.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(obj?["valid"] as? Bool == true)
        #expect(obj?["quality"] as? String == f[4])
    }

    @Test func invalidProofExitsOneWithTheReason() throws {
        var proof = Array(f[3])
        proof[40] = proof[40] == "0" ? "1" : "0"
        let r = try Tool.run(args(proof: String(proof)))
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("invalid proof: "))
        let j = try Tool.run(args(proof: String(proof)) + ["--json"])
        #expect(j.status == 1)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect(obj?["valid"] as? Bool == false)
        #expect((obj?["reason"] as? String)?.isEmpty == false)
    }

    @Test(arguments: [
        (["--plot-id", "xyz"], "--plot-id"),
        (["--plot-id", "abcd"], "--plot-id"),
        (["--challenge", String(repeating: "0", count: 62)], "--challenge"),
        (["--challenge", String(repeating: "g", count: 64)], "--challenge"),
        (["--k", "17"], "--k"),
        (["--k", "51"], "--k"),
        (["--k", "twenty"], "--k"),
        (["--proof", "00"], "--proof"),
        (["--proof", "zz"], "--proof"),
    ])
    func malformedInputExitsTwoNamingTheField(override: [String], field: String) throws {
        var a = args()
        let i = a.firstIndex(of: override[0])!
        a[i + 1] = override[1]
        let r = try Tool.run(a)
        #expect(r.status == 2)
        #expect(r.stderr.contains(field))
        #expect(r.stderr.contains("expected"))
        let j = try Tool.run(a + ["--json"])
        #expect(j.status == 2)
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect(obj?["field"] as? String == String(field.dropFirst(2)))
    }

    @Test func missingArgumentIsMalformedInput() throws {
        let r = try Tool.run(["proof", "--k", "21"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--plot-id"))
    }

    @Test func helpExitsZero() throws {
        let r = try Tool.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("proofs"))
    }
}
