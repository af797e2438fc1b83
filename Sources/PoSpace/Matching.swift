/// The matching condition between entries of adjacent kBC buckets.
///
/// `yL` in bucket b and `yR` in bucket b + 1 match when, for some m in 0..<64, with
/// (bL, cL) and (bR, cR) the (b, c) coordinates of `y mod kBC` in a kB × kC grid:
/// bR − bL ≡ m (mod kB) and cR − cL ≡ (2m + b mod 2)² (mod kC).
public enum Matching {
    /// True when `yLeft` and `yRight` match, `yRight` being in the bucket after `yLeft`'s.
    @inlinable
    public static func isMatch(yLeft: UInt64, yRight: UInt64) -> Bool {
        let kBC = Parameters.kBC, kB = Parameters.kB, kC = Parameters.kC
        let bucketL = yLeft / kBC
        guard yRight / kBC == bucketL &+ 1 else { return false }
        let parity = bucketL & 1
        let l = yLeft % kBC, r = yRight % kBC
        let m = (r / kC + kB - l / kC) % kB
        guard m < 64 else { return false }
        let t = 2 * m + parity
        return (r % kC + kC - l % kC) % kC == (t * t) % kC
    }

    /// The m of a pair that matches (`isMatch`): which of the left entry's 64 targets it is.
    public static func m(yLeft: UInt64, yRight: UInt64) -> UInt64 {
        let kBC = Parameters.kBC, kB = Parameters.kB, kC = Parameters.kC
        return ((yRight % kBC) / kC + kB - (yLeft % kBC) / kC) % kB
    }

    /// The 64 positions (`y mod kBC`) in the next bucket that match position `l` of a bucket
    /// with the given parity, one for each m.
    public static func targets(position l: UInt64, parity: UInt64) -> [UInt64] {
        let kB = Parameters.kB, kC = Parameters.kC
        return (0..<UInt64(64)).map { m in
            let t = 2 * m + parity
            return ((l / kC + m) % kB) * kC + (t * t + l) % kC
        }
    }
}
