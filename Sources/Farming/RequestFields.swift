import Foundation
import PoSpace

/// The fields of a JSON request body, read with errors that name the field: every decoding
/// failure becomes an `APIError` saying which field is wrong and what it must hold.
struct RequestFields {
    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    private let container: KeyedDecodingContainer<Key>

    /// The body's top level, which must be a JSON object holding only `known` keys.
    init(_ decoder: any Decoder, known: Set<String>) throws(APIError) {
        do {
            container = try decoder.container(keyedBy: Key.self)
        } catch {
            throw APIError(field: "body", message: "expected a JSON object")
        }
        if let unknown = container.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw APIError(field: unknown, message: "unknown field; expected only \(known.sorted().joined(separator: ", "))")
        }
    }

    /// Decodes a whole request body, naming the field at fault in every error.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(APIError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(field: "body", message: "not valid JSON")
        }
    }

    /// Whether the body has the field; a `null` counts as present (and then fails as the wrong type),
    /// since the API document does not allow null anywhere.
    private func present(_ name: String) -> Bool {
        container.contains(Key(stringValue: name))
    }

    /// A 32-byte value given as 64 hex digits.
    func bytes32<V: Bytes32Value>(_ name: String, as type: V.Type = V.self) throws(APIError) -> V {
        guard let value = try optionalBytes32(name, as: type) else {
            throw APIError(field: name, message: "required: 64 hex digits")
        }
        return value
    }

    func optionalBytes32<V: Bytes32Value>(_ name: String, as type: V.Type = V.self) throws(APIError) -> V? {
        guard present(name) else { return nil }
        guard let text = try? container.decode(String.self, forKey: Key(stringValue: name)) else {
            throw APIError(field: name, message: "expected a string of 64 hex digits")
        }
        // Exactly 64 hex digits: no prefix, no spaces (stricter than the command-line parser).
        guard text.utf8.count == 64, text.utf8.allSatisfy({ $0.isHexDigit }), let value = V(hex: text) else {
            let shown = text.count > 24 ? String(text.prefix(21)) + "..." : text
            throw APIError(field: name, message: "expected 64 hex digits, got '\(shown)' (\(text.count) characters)")
        }
        return value
    }

    /// A non-negative integer within `range`.
    func integer(_ name: String, in range: ClosedRange<UInt64>) throws(APIError) -> UInt64 {
        guard let value = try optionalInteger(name, in: range) else {
            throw APIError(field: name, message: "required: an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func optionalInteger(_ name: String, in range: ClosedRange<UInt64>) throws(APIError) -> UInt64? {
        guard present(name) else { return nil }
        guard let value = try? container.decode(UInt64.self, forKey: Key(stringValue: name)), range.contains(value) else {
            throw APIError(field: name, message: "expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// An integer of up to 128 bits: a JSON number up to 2^64 − 1, or a string of decimal digits
    /// (JSON numbers past 2^64 are not read exactly by every parser, this one included).
    func optionalWideInteger(_ name: String, in range: ClosedRange<UInt128>) throws(APIError) -> UInt128? {
        guard present(name) else { return nil }
        let key = Key(stringValue: name)
        var value: UInt128?
        if let small = try? container.decode(UInt64.self, forKey: key) {
            value = UInt128(small)
        } else if let text = try? container.decode(String.self, forKey: key) {
            // Digits only, no leading zero: the pattern docs/openapi.yaml gives.
            value = (1...39).contains(text.utf8.count) && text.utf8.first != 0x30
                && text.utf8.allSatisfy({ (0x30...0x39).contains($0) })
                ? UInt128(text, radix: 10) : nil
        }
        guard let value, range.contains(value) else {
            throw APIError(field: name, message: "expected an integer from \(range.lowerBound) to \(range.upperBound) "
                           + "(a JSON number up to 2^64 - 1, or a string of decimal digits without leading zeros)")
        }
        return value
    }
}

private extension UInt8 {
    var isHexDigit: Bool { (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
