import Foundation
import Logging

/// The farmer's settings. Each comes, in rising precedence, from its default, the JSON
/// configuration file, an environment variable, then the command line.
///
/// | JSON key | environment variable | default |
/// |---|---|---|
/// | `plots` (array of folders) | `DAYLIGHT_FARMER_PLOTS` (comma-separated) | none: required |
/// | `listen` (`HOST:PORT`) | `DAYLIGHT_FARMER_LISTEN` | `127.0.0.1:8444` |
/// | `rescan_interval_s` | `DAYLIGHT_FARMER_RESCAN_INTERVAL_S` | 2 |
/// | `deadline_s` | `DAYLIGHT_FARMER_DEADLINE_S` | 5 |
/// | `bearer_token` | `DAYLIGHT_FARMER_TOKEN` | none: no authentication |
/// | `max_body_bytes` | `DAYLIGHT_FARMER_MAX_BODY_BYTES` | 65536 |
/// | `lookup_threads` | `DAYLIGHT_FARMER_LOOKUP_THREADS` | 8 |
/// | `log_level` | `DAYLIGHT_FARMER_LOG_LEVEL` | `info` |
public struct FarmerConfiguration: Sendable, Equatable {
    public var plotDirectories: [String] = []
    public var host = "127.0.0.1"
    /// 0 asks the system for a free port; the farmer prints the one it got.
    public var port = 8444
    public var rescanInterval: Duration = .seconds(2)
    /// How long a signage point or qualities request waits for plots before answering without the late ones.
    public var deadline: Duration = .seconds(5)
    public var bearerToken: String?
    public var maxBodyBytes = 65_536
    public var lookupThreads = 8
    public var logLevel: Logger.Level = .info

    public init() {}

    /// The environment variable for each setting, by JSON key.
    public static let environmentNames: [(key: String, variable: String)] = [
        ("plots", "DAYLIGHT_FARMER_PLOTS"), ("listen", "DAYLIGHT_FARMER_LISTEN"),
        ("rescan_interval_s", "DAYLIGHT_FARMER_RESCAN_INTERVAL_S"), ("deadline_s", "DAYLIGHT_FARMER_DEADLINE_S"),
        ("bearer_token", "DAYLIGHT_FARMER_TOKEN"), ("max_body_bytes", "DAYLIGHT_FARMER_MAX_BODY_BYTES"),
        ("lookup_threads", "DAYLIGHT_FARMER_LOOKUP_THREADS"), ("log_level", "DAYLIGHT_FARMER_LOG_LEVEL"),
    ]

    /// Applies a JSON configuration file: an object with any of the keys above.
    public mutating func apply(configFile path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(setting: "--config", message: "cannot read \(path)")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigurationError(setting: path, message: "expected a JSON object")
            }
            object = parsed
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(setting: path, message: "not valid JSON (\(error.localizedDescription))")
        }
        let known = Set(Self.environmentNames.map(\.key))
        for key in object.keys.sorted() where !known.contains(key) {
            throw ConfigurationError(setting: "\(path): \(key)", message: "unknown setting; known: \(known.sorted().joined(separator: ", "))")
        }
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            let text: String
            if key == "plots" {
                guard let folders = value as? [String] else {
                    throw ConfigurationError(setting: "\(path): plots", message: "expected an array of folder paths")
                }
                text = folders.joined(separator: ",")
            } else if let s = value as? String {
                text = s
            } else if let n = value as? NSNumber, !(value is Bool) {
                text = n.stringValue
            } else {
                throw ConfigurationError(setting: "\(path): \(key)", message: "expected a string or a number")
            }
            try set(key, to: text, source: "\(path): \(key)")
        }
    }

    /// Applies the `DAYLIGHT_FARMER_*` environment variables that are set.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        for (key, variable) in Self.environmentNames {
            if let value = environment[variable] { try set(key, to: value, source: variable) }
        }
    }

    /// Sets one setting from text; `source` names where the text came from in errors.
    public mutating func set(_ key: String, to text: String, source: String) throws(ConfigurationError) {
        let value = text.trimmingCharacters(in: .whitespaces)
        switch key {
        case "plots":
            plotDirectories = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case "listen":
            guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
                  (0...65_535).contains(port), colon != value.startIndex else {
                throw ConfigurationError(setting: source, message: "expected HOST:PORT with a port from 0 to 65535, got '\(value)'")
            }
            host = String(value[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            self.port = port
        case "rescan_interval_s":
            rescanInterval = try seconds(value, source: source, range: 0.05...3600)
        case "deadline_s":
            deadline = try seconds(value, source: source, range: 0.01...600)
        case "bearer_token":
            bearerToken = value.isEmpty ? nil : value
        case "max_body_bytes":
            maxBodyBytes = try integer(value, source: source, range: 256...(64 << 20))
        case "lookup_threads":
            lookupThreads = try integer(value, source: source, range: 1...256)
        case "log_level":
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw ConfigurationError(setting: source, message: "expected one of trace, debug, info, notice, warning, error, critical; got '\(value)'")
            }
            logLevel = level
        default:
            throw ConfigurationError(setting: source, message: "unknown setting")
        }
    }

    /// Checks what no single setting can: that there is something to farm.
    public func validate() throws(ConfigurationError) {
        guard !plotDirectories.isEmpty else {
            throw ConfigurationError(setting: "--plots", message: "give at least one plot folder (or DAYLIGHT_FARMER_PLOTS, or \"plots\" in the config file)")
        }
        for folder in plotDirectories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError(setting: "--plots", message: "\(folder) is not a folder")
            }
        }
    }

    private func seconds(_ text: String, source: String, range: ClosedRange<Double>) throws(ConfigurationError) -> Duration {
        guard let s = Double(text), range.contains(s) else {
            throw ConfigurationError(setting: source, message: "expected seconds from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return .milliseconds(Int64((s * 1000).rounded()))
    }

    private func integer(_ text: String, source: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let n = Int(text), range.contains(n) else {
            throw ConfigurationError(setting: source, message: "expected an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return n
    }
}

/// A bad setting: which one (a flag, a variable, or a file and key) and what is wrong.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let setting: String
    public let message: String
    public var description: String { "\(setting): \(message)" }
}
