/// The bijection between unordered pairs {x, y} (x ≠ y) and line points
/// `x·(x−1)/2 + y` with x > y: how a table entry's two back pointers (or table 1's two
/// x values) are stored as one sortable, delta-compressible number.
public enum LinePoint {
    /// The line point of the pair {a, b}. Both must be below 2^32.5 (k ≤ 32 tables) so the
    /// result fits 64 bits.
    @inlinable
    public static func encode(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (x, y) = a > b ? (a, b) : (b, a)
        return triangle(x) &+ y
    }

    /// The pair (x, y), x > y, whose line point is `point`.
    @inlinable
    public static func decode(_ point: UInt64) -> (x: UInt64, y: UInt64) {
        // x is the largest integer with x·(x−1)/2 ≤ point; the float estimate is off by at most a few.
        var x = UInt64((1 + (8 * Double(point) + 1).squareRoot()) / 2)
        while x > 0, triangle(x) > point { x -= 1 }
        while triangle(x + 1) <= point { x += 1 }
        return (x, point - triangle(x))
    }

    /// x·(x−1)/2, halving the even factor first: x·(x−1) itself passes 2^64 once x reaches 2^32,
    /// which positions in the tables of k = 32 do. Without a branch: ⌊x/2⌋ is the even factor
    /// halved, and the odd factor is x − 1 or x, which is (x − 1) | 1 either way (a branch on
    /// the parity mispredicted every other line point of phase 3).
    @inlinable
    static func triangle(_ x: UInt64) -> UInt64 {
        (x >> 1) &* ((x &- 1) | 1)
    }
}
