/// A spilled entry's two back pointers in one word, as the spill and pointer files keep them:
/// the left position in the high 40 bits and the right one's distance past it in the low 24.
/// The right entry is in the kBC group after the left one's, so the distance is at most two
/// groups' entries (a few hundred); 40 bits of position reach tables of 2^40 entries, past
/// k = 32, whose tables pass 2^32 entries.
enum BackPointers {
    static let distanceBits: UInt64 = 24

    @inline(__always)
    static func pack(left: Int, right: Int) -> UInt64 {
        precondition(right > left && right - left < 1 << distanceBits && left < 1 << (64 - distanceBits),
                     "back pointers \(left), \(right) do not fit the spill format")
        return UInt64(left) << distanceBits | UInt64(right - left)
    }

    @inline(__always)
    static func left(_ word: UInt64) -> Int { Int(word >> distanceBits) }

    @inline(__always)
    static func right(_ word: UInt64) -> Int { Int(word >> distanceBits) + Int(word & ((1 << distanceBits) - 1)) }
}
