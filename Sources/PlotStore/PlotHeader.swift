import Foundation
import PoSpace

/// What a plot file records about itself, stored as JSON under the key `meta`. Only inputs and
/// derived sizes: nothing that varies from run to run, so equal inputs give equal bytes.
public struct PlotHeader: Codable, Hashable, Sendable {
    /// Identifies the file kind.
    public static let formatName = "daylight-plot"
    /// The table layout version this code writes and reads (2: table 7's f7 deltas coded in pairs).
    public static let currentFormatVersion = 2

    public var format: String
    public var formatVersion: Int
    /// The proof-of-space construction the plot follows.
    public var construction: String
    public var k: Int
    /// Plot id, hex.
    public var plotID: String
    /// Memo, hex.
    public var memo: String
    /// Entries in line-point tables 1–6, then table 7.
    public var tableSizes: [Int]
    public var entriesPerPark: Int
    public var parksPerValue: Int
    /// Low bits of each line-point delta stored bit-packed.
    public var stubBits: Int
    /// Bits per table-7 position (into table 6).
    public var positionBits: Int

    public init(k: Int, plotID: PlotID, memo: [UInt8], tableSizes: [Int]) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        construction = "chia-pos-v1.0"
        self.k = k
        self.plotID = plotID.hex
        self.memo = Hex.encode(memo)
        self.tableSizes = tableSizes
        entriesPerPark = PlotLayout.entriesPerPark
        parksPerValue = PlotLayout.parksPerValue
        stubBits = PlotLayout.stubBits(k: k)
        positionBits = max(1, 64 - UInt64(max(1, tableSizes[5])).leadingZeroBitCount)
    }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data())
    }

    public static func decode(_ bytes: [UInt8]) -> PlotHeader? {
        try? JSONDecoder().decode(PlotHeader.self, from: Data(bytes))
    }
}

/// Fixed parameters of the table layout.
public enum PlotLayout {
    public static let entriesPerPark = 2048
    public static let parksPerValue = 128

    /// Measured at k = 21: k − 5 gives the smallest files (k − 3, as chiapos splits, is 1.3 % larger under zstd).
    public static func stubBits(k: Int) -> Int { k - 5 }
}
