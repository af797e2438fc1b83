import PoSpace

/// Stable LSD radix sort of 64-bit keys with a 32-bit value riding along, on the low
/// `keyBits` bits of the key. Equal keys keep their input order, which is what makes the
/// plotter's output independent of how the work was split.
enum RadixSort {
    static let digitBits = 11

    /// Sorts `keys` and `values` (same count) in place, using `scratchKeys`/`scratchValues`
    /// (same count) as the other half of each pass.
    static func sort(keys: UnsafeMutableBufferPointer<UInt64>, values: UnsafeMutableBufferPointer<UInt32>,
                     scratchKeys: UnsafeMutableBufferPointer<UInt64>, scratchValues: UnsafeMutableBufferPointer<UInt32>,
                     keyBits: Int, threads: Int) {
        let n = keys.count
        guard n > 1, keyBits > 0 else { return }
        let passes = (keyBits + digitBits - 1) / digitBits
        let radix = 1 << digitBits
        let workers = max(1, min(threads, n / 65_536 + 1))
        let histograms = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers * radix)
        defer { histograms.deallocate() }
        var srcK = keys.baseAddress!, srcV = values.baseAddress!
        var dstK = scratchKeys.baseAddress!, dstV = scratchValues.baseAddress!
        let chunk = (n + workers - 1) / workers
        for pass in 0..<passes {
            let shift = UInt64(pass * digitBits)
            let mask = UInt64(radix - 1)
            histograms.update(repeating: 0)
            let (sk, sv, dk, dv) = (srcK, srcV, dstK, dstV)
            // Count digits per worker slice.
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let h = histograms.baseAddress! + w * radix
                    for i in (w * chunk)..<min(n, (w + 1) * chunk) { h[Int((sk[i] >> shift) & mask)] += 1 }
                }
            }
            // Exclusive prefix sums, digit-major then worker, so the scatter stays stable.
            var total = 0
            for d in 0..<radix {
                for w in 0..<workers {
                    let c = histograms[w * radix + d]
                    histograms[w * radix + d] = total
                    total += c
                }
            }
            Parallel.forEachSlice(count: workers, threads: workers) { ws in
                for w in ws {
                    let h = histograms.baseAddress! + w * radix
                    for i in (w * chunk)..<min(n, (w + 1) * chunk) {
                        let d = Int((sk[i] >> shift) & mask)
                        let at = h[d]
                        h[d] = at + 1
                        dk[at] = sk[i]
                        dv[at] = sv[i]
                    }
                }
            }
            swap(&srcK, &dstK)
            swap(&srcV, &dstV)
        }
        if passes % 2 == 1 {
            keys.baseAddress!.update(from: scratchKeys.baseAddress!, count: n)
            values.baseAddress!.update(from: scratchValues.baseAddress!, count: n)
        }
    }
}
