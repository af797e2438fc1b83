import Foundation

/// Printing for the verify tool: plain lines, JSON lines, and the exit codes.
enum Output {
    static let valid: Int32 = 0
    static let invalid: Int32 = 1
    static let malformedInput: Int32 = 2

    /// Prints a value as one line of JSON with sorted keys.
    static func json(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Writes one line to standard error.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
