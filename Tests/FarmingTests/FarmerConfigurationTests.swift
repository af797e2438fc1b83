import Foundation
import Logging
import XCTest

@testable import Farming

final class FarmerConfigurationTests: XCTestCase {
    func testDefaults() {
        let c = FarmerConfiguration()
        XCTAssertEqual(c.host, "127.0.0.1")
        XCTAssertEqual(c.port, 8444)
        XCTAssertEqual(c.deadline, .seconds(5))
        XCTAssertEqual(c.rescanInterval, .seconds(2))
        XCTAssertNil(c.bearerToken)
    }

    /// The file sets, the environment overrides the file, and a flag overrides both.
    func testPrecedenceFileThenEnvironmentThenFlags() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-config-\(UUID().uuidString).json")
        try Data(#"{"plots": ["/a", "/b"], "listen": "0.0.0.0:9000", "deadline_s": 1.5, "log_level": "debug"}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var c = FarmerConfiguration()
        try c.apply(configFile: file.path)
        XCTAssertEqual(c.plotDirectories, ["/a", "/b"])
        XCTAssertEqual(c.host, "0.0.0.0")
        XCTAssertEqual(c.port, 9000)
        XCTAssertEqual(c.deadline, .milliseconds(1500))
        XCTAssertEqual(c.logLevel, .debug)
        try c.apply(environment: ["DAYLIGHT_FARMER_LISTEN": "127.0.0.1:9100", "DAYLIGHT_FARMER_TOKEN": "t", "HOME": "/root"])
        XCTAssertEqual(c.port, 9100)
        XCTAssertEqual(c.bearerToken, "t")
        try c.set("listen", to: "[::1]:0", source: "--listen")
        XCTAssertEqual(c.host, "::1")
        XCTAssertEqual(c.port, 0)
    }

    /// Each bad setting is refused with an error naming where it came from.
    func testBadSettingsNameTheirSource() throws {
        var c = FarmerConfiguration()
        let cases: [(key: String, value: String)] = [
            ("listen", "localhost"), ("listen", "host:70000"), ("listen", ":80"), ("deadline_s", "0"),
            ("rescan_interval_s", "soon"), ("lookup_threads", "0"), ("max_body_bytes", "10"), ("log_level", "loud"),
        ]
        for (key, value) in cases {
            XCTAssertThrowsError(try c.set(key, to: value, source: "SOURCE_\(key)"), "\(key)=\(value)") { error in
                XCTAssertTrue("\(error)".hasPrefix("SOURCE_\(key):"), "\(error)")
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("farmer-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        for (text, named) in [(#"{"plotz": []}"#, "plotz"), (#"{"plots": "/a"}"#, "plots"), ("[1]", "JSON object"), ("{", "not valid JSON")] {
            try Data(text.utf8).write(to: file)
            XCTAssertThrowsError(try c.apply(configFile: file.path)) { XCTAssertTrue("\($0)".contains(named), "\($0)") }
        }
        XCTAssertThrowsError(try FarmerConfiguration().validate()) { XCTAssertTrue("\($0)".contains("--plots")) }
    }
}
