import Crypto

/// Chia's iteration rules for a quality at a signage point, as chia-blockchain computes them
/// (`calculate_iterations_quality`, `calculate_sp_interval_iters`, `calculate_phase_out`).
public enum RequiredIterations {
    /// Chia's mainnet DIFFICULTY_CONSTANT_FACTOR, 2^67.
    public static let defaultDifficultyConstantFactor: UInt128 = 1 << 67
    /// Signage points per sub-slot: one signage-point interval is sub_slot_iters / 64.
    public static let signagePointsPerSubSlot: UInt64 = 64
    /// Blocks over which original-format plots are phased out after the second hard fork.
    public static let phaseOutPeriod: UInt64 = 10_000_000

    /// sub_slot_iters ÷ 64: a quality wins when its required iterations are below this.
    public static func spIntervalIters(subSlotIters: UInt64) -> UInt64 {
        subSlotIters / signagePointsPerSubSlot
    }

    /// The extra iterations charged to an original-format plot: 0 up to the fork height, then
    /// rising linearly to one whole signage-point interval over `phaseOutPeriod` blocks.
    public static func phaseOut(spIntervalIters: UInt64, prevTransactionBlockHeight: UInt32,
                                hardFork2Height: UInt32) -> UInt64 {
        guard prevTransactionBlockHeight > hardFork2Height else { return 0 }
        let blocks = UInt64(prevTransactionBlockHeight - hardFork2Height)
        guard blocks < phaseOutPeriod else { return spIntervalIters }
        // blocks < 10^7 and spIntervalIters < 2^58, so the product needs up to 82 bits.
        return UInt64(UInt128(blocks) * UInt128(spIntervalIters) / UInt128(phaseOutPeriod))
    }

    /// max(1, difficulty × DCF × int(SHA-256(quality ‖ ccSPOutputHash)) ÷ (2^256 × (2k+1) × 2^(k−1)) + phaseOut),
    /// with integer division and the hash read as a big-endian unsigned integer.
    ///
    /// Chia stores the result as a uint64; a larger value (possible only with an absurd difficulty)
    /// is returned as `UInt64.max`, which can never win a signage point either.
    public static func compute(quality: QualityString, ccSPOutputHash: Hash32, k: Int, difficulty: UInt64,
                               difficultyConstantFactor: UInt128 = defaultDifficultyConstantFactor,
                               phaseOut: UInt64 = 0) -> UInt64 {
        precondition(Parameters.kRange.contains(k), "k out of range")
        var hasher = SHA256()
        hasher.update(data: quality.bytes)
        hasher.update(data: ccSPOutputHash.bytes)
        let digest = Array(hasher.finalize())
        // The numerator has at most 256 + 64 + 128 = 448 bits: seven 64-bit limbs, least significant first.
        var n = WideUInt()
        for limb in 0..<4 {
            var v: UInt64 = 0
            for b in 0..<8 { v = v << 8 | UInt64(digest[(3 - limb) * 8 + b]) }
            n[limb] = v
        }
        n.multiply(by: difficulty)
        var product = n
        product.multiply(by: UInt64(truncatingIfNeeded: difficultyConstantFactor))
        var upper = n
        upper.multiply(by: UInt64(truncatingIfNeeded: difficultyConstantFactor >> 64))
        product.add(upper, shiftedByLimbs: 1)
        // ⌊N ÷ (2^256 · 2^(k−1) · (2k+1))⌋ = ⌊⌊N ÷ 2^(255+k)⌋ ÷ (2k+1)⌋.
        product.shiftRight(by: 255 + k)
        product.divide(by: UInt64(2 * k + 1))
        guard product.fitsInUInt64 else { return .max }
        let (sum, overflow) = product[0].addingReportingOverflow(phaseOut)
        return overflow ? .max : max(1, sum)
    }
}

/// A 512-bit unsigned integer in eight 64-bit limbs (least significant first), just wide enough
/// for `RequiredIterations`; a value type with no heap storage.
struct WideUInt {
    private var limbs: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    static let count = 8

    subscript(i: Int) -> UInt64 {
        get { withUnsafeBytes(of: limbs) { $0.load(fromByteOffset: i * 8, as: UInt64.self) } }
        set { withUnsafeMutableBytes(of: &limbs) { $0.storeBytes(of: newValue, toByteOffset: i * 8, as: UInt64.self) } }
    }

    var fitsInUInt64: Bool { (1..<Self.count).allSatisfy { self[$0] == 0 } }

    /// self ×= m; the caller keeps the product under 2^512.
    mutating func multiply(by m: UInt64) {
        var carry: UInt64 = 0
        for i in 0..<Self.count {
            let (high, low) = self[i].multipliedFullWidth(by: m)
            let (sum, o) = low.addingReportingOverflow(carry)
            self[i] = sum
            carry = high &+ (o ? 1 : 0)
        }
        precondition(carry == 0, "WideUInt overflow")
    }

    /// self += other × 2^(64·limbs); the caller keeps the sum under 2^512.
    mutating func add(_ other: WideUInt, shiftedByLimbs shift: Int) {
        var carry: UInt64 = 0
        for i in shift..<Self.count {
            let (a, o1) = self[i].addingReportingOverflow(other[i - shift])
            let (b, o2) = a.addingReportingOverflow(carry)
            self[i] = b
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        for i in (Self.count - shift)..<Self.count { precondition(other[i] == 0, "WideUInt overflow") }
        precondition(carry == 0, "WideUInt overflow")
    }

    mutating func shiftRight(by bits: Int) {
        let limbShift = bits / 64, bitShift = bits % 64
        for i in 0..<Self.count {
            let source = i + limbShift
            var v: UInt64 = source < Self.count ? self[source] >> bitShift : 0
            if bitShift > 0, source + 1 < Self.count { v |= self[source + 1] << (64 - bitShift) }
            self[i] = v
        }
    }

    mutating func divide(by d: UInt64) {
        var remainder: UInt64 = 0
        for i in stride(from: Self.count - 1, through: 0, by: -1) {
            let (q, r) = d.dividingFullWidth((remainder, self[i]))
            self[i] = q
            remainder = r
        }
    }
}
