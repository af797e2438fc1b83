import Foundation

/// Sizes like `512M` or `4G` for --memory.
enum MemorySize {
    static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        if digits.hasSuffix("B") { digits.removeLast() }
        if digits.hasSuffix("I") { digits.removeLast() }
        var scale = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Int(digits), value > 0 else { return nil }
        return value * scale
    }

    /// Three quarters of physical memory.
    static var defaultLimit: Int { Int(ProcessInfo.processInfo.physicalMemory / 4 * 3) }
}
