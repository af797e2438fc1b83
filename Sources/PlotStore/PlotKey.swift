/// The key of one value in a plot: a byte string of 1 to `PlotKey.maxLength` bytes.
///
/// LMDB orders keys by their bytes (memcmp, shorter first on a tie), and so does `<` here. The
/// convenience initializers write indices big-endian so that byte order is numeric order.
public struct PlotKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The longest key LMDB accepts (its compile-time default, `mdb_env_get_maxkeysize`).
    public static let maxLength = 511

    /// The key's bytes, exactly as stored.
    public let bytes: [UInt8]

    /// A key made of `bytes` as they are. Keys must be 1 to `maxLength` bytes long; the writer
    /// rejects others when they are put.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A key made of the UTF-8 bytes of `name`, e.g. `PlotKey("meta")`.
    public init(_ name: String) { self.bytes = Array(name.utf8) }

    /// `table` followed by `index` as 8 big-endian bytes: 9 bytes, ordered by table, then index.
    public init(table: UInt8, index: UInt64) {
        var bytes = [table]
        bytes.reserveCapacity(9)
        bytes.append(contentsOf: PlotKey.bigEndianBytes(index))
        self.bytes = bytes
    }

    /// The UTF-8 bytes of `name`, a zero byte, then `index` as 8 big-endian bytes. All keys of one
    /// name share the prefix `PlotKey.prefix(name:)` and sort by index. `name` must not contain
    /// a zero character, which would make keys of different names ambiguous.
    public init(name: String, index: UInt64) {
        precondition(!name.utf8.contains(0), "PlotKey(name:index:): name must not contain NUL")
        var bytes = PlotKey.prefix(name: name)
        bytes.append(contentsOf: PlotKey.bigEndianBytes(index))
        self.bytes = bytes
    }

    /// The prefix shared by every `PlotKey(name: name, index: _)`, for `PlotReader.keys(prefix:)`.
    public static func prefix(name: String) -> [UInt8] { Array(name.utf8) + [0] }

    /// The prefix shared by every `PlotKey(table: table, index: _)`, for `PlotReader.keys(prefix:)`.
    public static func prefix(table: UInt8) -> [UInt8] { [table] }

    /// The index of a key made by `init(table:index:)` or `init(name:index:)`: its last 8 bytes
    /// read big-endian, or nil when the key is shorter than 9 bytes.
    public var index: UInt64? {
        guard bytes.count >= 9 else { return nil }
        return bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func < (lhs: PlotKey, rhs: PlotKey) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Readable form for messages: `"meta"` for printable keys, `"name"#42` for
    /// `init(name:index:)` keys, otherwise `0x` and hex digits.
    public var description: String {
        func printable(_ slice: ArraySlice<UInt8>) -> Bool { slice.allSatisfy { (0x20...0x7E).contains($0) } }
        if !bytes.isEmpty, printable(bytes[...]) {
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        }
        if bytes.count >= 10, bytes[bytes.count - 9] == 0, printable(bytes.dropLast(9)), let index {
            return "\"" + String(decoding: bytes.dropLast(9), as: UTF8.self) + "\"#\(index)"
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]("0x".utf8)
        for byte in bytes { hex += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: hex, as: UTF8.self)
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// The key under which the writer stores the container record (`ContainerRecord`). It starts
    /// with 0xFF, which no UTF-8 string and no name key can start with, and is 10 bytes long, so
    /// no table key (9 bytes) equals it; only `init(bytes:)` could, and `put` rejects it.
    static let container = PlotKey(bytes: [0xFF] + Array("PlotStore".utf8))
}
