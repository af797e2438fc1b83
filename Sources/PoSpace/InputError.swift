/// Malformed input, naming the field and what was expected, e.g. for a command line or a line of a file.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field, as the user wrote it (`plot_id`, `k`, `challenge`, `proof`, `quality`).
    public let field: String
    /// What the field must hold.
    public let expected: String
    /// What it held instead, shortened for display.
    public let got: String

    public init(field: String, expected: String, got: String) {
        self.field = field
        self.expected = expected
        self.got = got.count > 24 ? String(got.prefix(21)) + "..." : got
    }

    public var description: String { "\(field): expected \(expected), got \(got)" }
}

extension Bytes32Value {
    /// Parses 64 hex digits, or throws an error that names `field`.
    public static func parse(_ text: some StringProtocol, field: String) throws(InputError) -> Self {
        let trimmed = text.trimmingSpaces
        guard let bytes = Hex.decode(trimmed) else {
            throw InputError(field: field, expected: "64 hex digits", got: trimmed.isEmpty ? "nothing" : "'\(trimmed)' (not hex)")
        }
        guard bytes.count == 32 else {
            throw InputError(field: field, expected: "64 hex digits (32 bytes)", got: "\(bytes.count * 2) digits")
        }
        return Self(uncheckedBytes: bytes)
    }
}

extension Parameters {
    /// Parses a plot size, or throws an error that names `field`.
    public static func parseK(_ text: some StringProtocol, field: String = "k") throws(InputError) -> Int {
        let trimmed = text.trimmingSpaces
        guard let k = Int(trimmed), kRange.contains(k) else {
            throw InputError(field: field, expected: "an integer from \(minK) to \(maxK)", got: "'\(trimmed)'")
        }
        return k
    }
}

extension Proof {
    /// Parses a serialized proof for plot size `k` (8·k bytes in hex), or throws an error that names `field`.
    public static func parseBytes(_ text: some StringProtocol, k: Int, field: String = "proof") throws(InputError) -> [UInt8] {
        let trimmed = text.trimmingSpaces
        let expected = "\(2 * byteCount(k: k)) hex digits (64 values of k = \(k) bits)"
        guard let bytes = Hex.decode(trimmed) else {
            throw InputError(field: field, expected: expected, got: trimmed.isEmpty ? "nothing" : "'\(trimmed)' (not hex)")
        }
        guard bytes.count == byteCount(k: k) else {
            throw InputError(field: field, expected: expected, got: "\(bytes.count * 2) digits")
        }
        return bytes
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return s
    }
}
