import Foundation
import Testing

@Suite struct ProofsCommandTests {
    @Test func bundledVectorsAllPass() throws {
        let r = try Tool.run(["proofs", "vectors/chiapos/test_proofs_k21.txt"])
        #expect(r.status == 0)
        #expect(r.stdout == "97 passed, 0 failed\n")
    }

    /// A file mixing a good line, a malformed one, a wrong quality and an invalid proof.
    var mixed: String {
        let lines = Tool.vectorLines
        var f = Tool.fields(lines[1])
        let wrongQuality = [f[0], f[1], f[2], f[3], Tool.fields(lines[2])[4]].joined(separator: ", ")
        var proof = Array(f[3])
        proof[proof.count - 1] = proof.last == "0" ? "1" : "0"
        f[3] = String(proof)
        let invalid = f.joined(separator: ", ")
        return [lines[0], "# a comment", "", "not, a, proof", wrongQuality, invalid].joined(separator: "\n") + "\n"
    }

    @Test func failuresAreReportedWithLineNumbers() throws {
        let r = try Tool.run(["proofs", "-"], stdin: mixed)
        #expect(r.status == 1)
        let out = r.stdout.split(separator: "\n").map(String.init)
        #expect(out.count == 4)
        #expect(out[0].hasPrefix("line 4: malformed line:"))
        #expect(out[1].hasPrefix("line 5: quality mismatch"))
        #expect(out[2].hasPrefix("line 6: invalid proof"))
        #expect(out[3] == "1 passed, 3 failed")
    }

    @Test func jsonGivesOneObjectPerLineAndASummary() throws {
        let r = try Tool.run(["proofs", "-", "--json"], stdin: mixed)
        #expect(r.status == 1)
        let objects = try r.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(objects.count == 5)
        #expect(objects.prefix(4).map { $0["line"] as? Int } == [1, 4, 5, 6])
        #expect(objects.prefix(4).map { $0["passed"] as? Bool } == [true, false, false, false])
        #expect(objects[0]["quality"] as? String == Tool.fields(Tool.vectorLines[0])[4])
        #expect(objects[4]["passed"] as? Int == 1)
        #expect(objects[4]["failed"] as? Int == 3)
    }

    @Test func binaryGarbageIsAFailureNotACrash() throws {
        let r = try Tool.run(["proofs", "-"], stdin: "\u{0}\u{1}\u{FFFF},,,,\n,\n" + String(repeating: "f", count: 5000) + "\n")
        #expect(r.status == 1)
        #expect(r.stdout.hasSuffix("0 passed, 3 failed\n"))
    }

    @Test func missingFileIsMalformedInput() throws {
        let r = try Tool.run(["proofs", "no/such/file.txt"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no/such/file.txt"))
    }
}
