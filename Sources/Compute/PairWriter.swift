/// Appends pairs after a `MatchPairs`' last, into room reserved for them.
struct PairWriter {
    let left: UnsafeMutablePointer<UInt32>
    let right: UnsafeMutablePointer<UInt32>
    var count: Int

    /// Writes the pair after the last and keeps it if `keep`: no branch.
    @inline(__always)
    mutating func append(_ l: UInt32, _ r: UInt32, if keep: Bool) {
        left[count] = l
        right[count] = r
        count &+= keep ? 1 : 0
    }
}
