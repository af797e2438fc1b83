/// Conversions between the two orders of a proof's 64 x values.
///
/// *Proof ordering* puts the left entry of every match first (the smaller y), as the
/// verifier replays it. *Plot ordering* is the order the quality string is taken from: at
/// each level the half whose values, compared from the last one backwards, are smaller goes first.
public enum ProofOrdering {
    /// Proof ordering → plot ordering. Needs only the x values.
    public static func plotOrdering(of xs: [UInt64]) -> [UInt64] {
        precondition(xs.count == Parameters.proofSize, "a proof has 64 x values")
        var out = xs
        out.withUnsafeMutableBufferPointer { toPlotOrdering($0.baseAddress!) }
        return out
    }

    /// Reorders 64 x values in place from proof ordering to plot ordering.
    @inlinable
    public static func toPlotOrdering(_ xs: UnsafeMutablePointer<UInt64>) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 32) { scratch in
            let tmp = scratch.baseAddress!
            var size = 1
            while size < Parameters.proofSize {
                var j = 0
                while j < Parameters.proofSize {
                    let left = xs + j, right = xs + j + size
                    if !precedes(left, right, count: size) {
                        tmp.update(from: left, count: size)
                        left.update(from: right, count: size)
                        right.update(from: tmp, count: size)
                    }
                    j += 2 * size
                }
                size *= 2
            }
        }
    }

    /// True when `a` sorts before `b`: compared from the last value backwards, the first
    /// difference decides; equal lists do not precede.
    @inlinable
    static func precedes(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int) -> Bool {
        var i = count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] }
            i -= 1
        }
        return false
    }

    /// Plot ordering → proof ordering: replays f1…f7 and puts the entry with the smaller y
    /// first at every level.
    public static func proofOrdering(of xs: [UInt64], k: Int, plotID: PlotID) -> [UInt64] {
        precondition(xs.count == Parameters.proofSize, "a proof has 64 x values")
        let f1 = F1(k: k, plotID: plotID)
        var order = xs
        var ys = xs.map { f1($0) }
        var meta = [UInt64](repeating: 0, count: 4 * 64)
        for i in 0..<64 { meta[4 * i] = xs[i] }
        var next = [UInt64](repeating: 0, count: 4 * 64)
        for table in 2...7 {
            let fx = Fx(k: k, table: table)
            let span = 1 << (table - 2)   // x values under one entry of table - 1
            for p in 0..<(64 >> (table - 1)) {
                var l = 2 * p, r = 2 * p + 1
                if ys[l] >= ys[r] {
                    swap(&l, &r)
                    let start = 2 * p * span
                    let leftHalf = Array(order[start..<start + span])
                    order.replaceSubrange(start..<start + span, with: order[start + span..<start + 2 * span])
                    order.replaceSubrange(start + span..<start + 2 * span, with: leftHalf)
                }
                let yl = ys[l]
                ys[p] = meta.withUnsafeBufferPointer { m in
                    next.withUnsafeMutableBufferPointer { n in
                        fx.evaluate(y: yl, left: m.baseAddress! + 4 * l, right: m.baseAddress! + 4 * r,
                                    collated: n.baseAddress! + 4 * p)
                    }
                }
            }
            swap(&meta, &next)
        }
        return order
    }
}
