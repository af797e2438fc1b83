/// The f functions of tables 2–7: `f_t(y_L, meta_L, meta_R)` is the top k + 6 bits of
/// BLAKE3(y_L ‖ meta_L ‖ meta_R), and the metadata passed on ("collation") is
/// meta_L ‖ meta_R for tables 2–3, the hash bits that follow y for tables 4–6, and nothing for 7.
public struct Fx: Sendable {
    /// Plot size.
    public let k: Int
    /// The table this function produces (2…7).
    public let table: Int

    public init(k: Int, table: Int) {
        precondition((Parameters.extraBits...Parameters.maxK).contains(k), "f functions take k in 6...50")
        precondition((2...7).contains(table), "Fx covers tables 2 to 7")
        self.k = k
        self.table = table
    }

    /// Bytes hashed for one pair.
    @inlinable
    var inputLength: Int { (inputBits + 7) / 8 }

    /// 64-bit words the hash input fills (the rest of the 64-byte block is zero).
    @inlinable
    var inputWords: Int { (inputBits + 63) / 64 }

    /// Bits hashed for one pair: y, then both inputs' metadata.
    @inlinable
    var inputBits: Int { k + Parameters.extraBits + 2 * Parameters.metadataUnits(ofTable: table - 1) * k }

    /// 64-bit words of the digest that hold the new y and the collated metadata.
    @inlinable
    var outputWords: Int {
        let collatedBits = table >= 4 ? Parameters.metadataUnits(ofTable: table) * k : 0
        return (k + Parameters.extraBits + collatedBits + 63) / 64
    }

    /// Writes the hash input y ‖ left ‖ right as big-endian bits into the first `inputWords`
    /// words of `stream`, the last one padded with zero bits.
    @inlinable
    func writeInput(y: UInt64, left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>,
                    into stream: UnsafeMutablePointer<UInt64>) {
        let inUnits = Parameters.metadataUnits(ofTable: table - 1)
        var writer = BitStreamWriter(sink: WordSink(words: stream))
        writer.append(y, bits: k + Parameters.extraBits)
        for u in 0..<inUnits { writer.append(left[u], bits: k) }
        for u in 0..<inUnits { writer.append(right[u], bits: k) }
        writer.finish()
    }

    /// Reads the outputs from the digest (as 4 big-endian words): writes the collated metadata
    /// and returns the new y.
    @inlinable
    func readOutput(digest: UnsafePointer<UInt64>, left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>,
                    collated: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let yBits = k + Parameters.extraBits
        if table <= 3 {
            let inUnits = Parameters.metadataUnits(ofTable: table - 1)
            for u in 0..<inUnits {
                collated[u] = left[u]
                collated[inUnits + u] = right[u]
            }
        } else {
            for u in 0..<Parameters.metadataUnits(ofTable: table) {
                collated[u] = BitPacking.read(words: digest, bitOffset: yBits + u * k, count: k)
            }
        }
        return digest[0] >> UInt64(64 - yBits)
    }

    /// Evaluates f for one matched pair. `left`/`right` point at the inputs' metadata units
    /// (`metadataUnits(ofTable: table - 1)` each); the output's units go to `collated`
    /// (`metadataUnits(ofTable: table)` of them). Returns the new (k + 6)-bit y.
    @inlinable
    public func evaluate(y: UInt64, left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>,
                         collated: UnsafeMutablePointer<UInt64>) -> UInt64 {
        // 8 words of input bits | 4 of digest bits | 16 UInt32 of message | 8 UInt32 of digest
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8 + 4 + 8 + 4) { buffer -> UInt64 in
            let stream = buffer.baseAddress!
            let message = UnsafeMutableRawPointer(stream + 12).assumingMemoryBound(to: UInt32.self)
            let digest = message + 16
            writeInput(y: y, left: left, right: right, into: stream)
            // BLAKE3 reads the byte string as little-endian words.
            for i in 0..<inputWords {
                message[2 * i] = UInt32(truncatingIfNeeded: stream[i] >> 32).byteSwapped
                message[2 * i + 1] = UInt32(truncatingIfNeeded: stream[i]).byteSwapped
            }
            for i in (2 * inputWords)..<16 { message[i] = 0 }
            BLAKE3.hashBlock(message, length: inputLength, digest: digest)
            for i in 0..<outputWords {
                stream[8 + i] = UInt64(digest[2 * i].byteSwapped) << 32 | UInt64(digest[2 * i + 1].byteSwapped)
            }
            return readOutput(digest: stream + 8, left: left, right: right, collated: collated)
        }
    }

    /// Evaluates f for one matched pair: the new y and the collated metadata.
    public func callAsFunction(y: UInt64, left: Metadata, right: Metadata) -> (y: UInt64, metadata: Metadata) {
        let inUnits = Parameters.metadataUnits(ofTable: table - 1)
        precondition(left.units.count == inUnits && right.units.count == inUnits, "table \(table) takes \(inUnits)-unit metadata")
        var out = [UInt64](repeating: 0, count: 4)
        let newY = left.units.withUnsafeBufferPointer { l in
            right.units.withUnsafeBufferPointer { r in
                out.withUnsafeMutableBufferPointer { evaluate(y: y, left: l.baseAddress!, right: r.baseAddress!, collated: $0.baseAddress!) }
            }
        }
        return (newY, Metadata(units: Array(out.prefix(Parameters.metadataUnits(ofTable: table)))))
    }
}

extension Fx {
    /// Evaluates f for `count` matched pairs. Pair j takes `y[j·yStride]` and the metadata at
    /// `left + j·metaStride` and `right + j·metaStride`; its y goes to `outY[j]` and its collated
    /// metadata to `outMeta + j·outMetaStride`. Eight hash lanes at a time when the build targets
    /// a CPU with vector shifts (`DAYLIGHT_VECTOR_LANES`), else one pair at a time.
    @inlinable
    public func evaluate(count: Int, y: UnsafePointer<UInt64>, yStride: Int,
                         left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>, metaStride: Int,
                         outY: UnsafeMutablePointer<UInt64>, outMeta: UnsafeMutablePointer<UInt64>, outMetaStride: Int) {
        #if DAYLIGHT_VECTOR_LANES
        evaluateLanes(count: count, y: y, yStride: yStride, left: left, right: right, metaStride: metaStride,
                      outY: outY, outMeta: outMeta, outMetaStride: outMetaStride)
        #else
        for j in 0..<count {
            outY[j] = evaluate(y: y[j * yStride], left: left + j * metaStride, right: right + j * metaStride,
                               collated: outMeta + j * outMetaStride)
        }
        #endif
    }

    /// The eight-lane form of the batch `evaluate`.
    @inlinable
    public func evaluateLanes(count: Int, y: UnsafePointer<UInt64>, yStride: Int,
                              left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>, metaStride: Int,
                              outY: UnsafeMutablePointer<UInt64>, outMeta: UnsafeMutablePointer<UInt64>, outMetaStride: Int) {
        evaluateLanes(count: count, inputs: StridedPairs(y: y, yStride: yStride, left: left, right: right, metaStride: metaStride),
                      outY: outY, outMeta: outMeta, outMetaStride: outMetaStride)
    }

    /// f for `count` pairs whose inputs `inputs` reads, eight hash lanes at a time: pair j's y
    /// goes to `outY[j]` and its collated metadata to `outMeta + j·outMetaStride`, one `Unit` a
    /// unit (`UInt32` holds a unit while k ≤ 32, as in every plot the plotter makes).
    ///
    /// Every field of the hash input sits at the same bit offset in every lane, so the input
    /// words are built with whole-vector shifts, never bit by bit per pair.
    @inlinable
    public func evaluateLanes<Inputs: FxPairInputs, Unit: FixedWidthInteger & UnsignedInteger>(
        count: Int, inputs: Inputs, outY: UnsafeMutablePointer<UInt64>, outMeta: UnsafeMutablePointer<Unit>, outMetaStride: Int
    ) {
        precondition(k <= Unit.bitWidth, "\(Unit.self) cannot hold a \(k)-bit metadata unit")
        typealias Lanes = BLAKE3.Lanes
        typealias Wide = SIMD8<UInt64>
        let yBits = k + Parameters.extraBits
        let inUnits = Parameters.metadataUnits(ofTable: table - 1), outUnits = Parameters.metadataUnits(ofTable: table)
        let length = Lanes(repeating: UInt32(inputLength)), messageWords = (inputBits + 31) / 32
        let unitMask = Wide(repeating: (UInt64(1) << UInt64(k)) - 1)
        let yMask = Wide(repeating: (UInt64(1) << UInt64(yBits)) - 1)
        @inline(__always) func byteSwapped(_ v: Lanes) -> Lanes {
            (v &>> 24) | ((v &>> 8) & 0xff00) | ((v &<< 8) & 0xff_0000) | (v &<< 24)
        }
        // The hash input is built in registers, a word at a time: `word` holds the bits not yet
        // written, `used` of them, and each full word goes straight into the message (or-ing
        // each field into a stream in memory stalled on store forwarding).
        @inline(__always) func emit(_ w: Wide, _ index: Int, _ message: UnsafeMutablePointer<Lanes>) {
            message[2 * index] = byteSwapped(Lanes(truncatingIfNeeded: w &>> 32))
            message[2 * index + 1] = byteSwapped(Lanes(truncatingIfNeeded: w))
        }
        @inline(__always) func append(_ v: Wide, bits: Int, _ word: inout Wide, _ used: inout Int, _ index: inout Int,
                                      _ message: UnsafeMutablePointer<Lanes>) {
            if used + bits < 64 {
                word |= v &<< UInt64(64 - used - bits)
                used += bits
            } else {
                let spill = used + bits - 64
                emit(word | v &>> UInt64(spill), index, message)
                index += 1
                word = spill == 0 ? Wide() : v &<< UInt64(64 - spill)
                used = spill
            }
        }
        // The `bits` bits of the big-endian bit stream at `offset` (bits ≤ 64).
        @inline(__always) func take(bits: Int, at offset: Int, _ stream: UnsafeMutablePointer<Wide>) -> Wide {
            let word = offset >> 6, used = offset & 63
            var v = (stream[word] &<< UInt64(used)) &>> UInt64(64 - bits)
            if used + bits > 64 { v |= stream[word + 1] &>> UInt64(128 - used - bits) }
            return v
        }
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 24) { buffer in
            let message = buffer.baseAddress!, digest = message + 16
            message.initialize(repeating: Lanes(), count: 24)
            withUnsafeTemporaryAllocation(of: Wide.self, capacity: 8) { streamBuffer in
                let stream = streamBuffer.baseAddress!
                var start = 0
                while start < count {
                    let n = Swift.min(8, count - start)
                    // Built from eight scalars in registers: setting lanes one by one goes through memory and
                    // stalls on every store. Lanes past the end repeat the last pair.
                    // Pair of lane i.
                    @inline(__always) func pair(_ i: Int) -> Int { Swift.min(start + i, count - 1) }
                    @inline(__always) func lanes(_ load: (Int) -> UInt64) -> Wide {
                        Wide(load(pair(0)), load(pair(1)), load(pair(2)), load(pair(3)),
                             load(pair(4)), load(pair(5)), load(pair(6)), load(pair(7)))
                    }
                    // Each lane's metadata is found once a batch, not once a unit: the pair's index
                    // was reloaded and multiplied for every unit, its loads waiting on that chain.
                    let l0 = inputs.leftUnits(pair(0)), l1 = inputs.leftUnits(pair(1)), l2 = inputs.leftUnits(pair(2))
                    let l3 = inputs.leftUnits(pair(3)), l4 = inputs.leftUnits(pair(4)), l5 = inputs.leftUnits(pair(5))
                    let l6 = inputs.leftUnits(pair(6)), l7 = inputs.leftUnits(pair(7))
                    let r0 = inputs.rightUnits(pair(0)), r1 = inputs.rightUnits(pair(1)), r2 = inputs.rightUnits(pair(2))
                    let r3 = inputs.rightUnits(pair(3)), r4 = inputs.rightUnits(pair(4)), r5 = inputs.rightUnits(pair(5))
                    let r6 = inputs.rightUnits(pair(6)), r7 = inputs.rightUnits(pair(7))
                    // BLAKE3 reads the byte string as little-endian words; message words past the input stay zero.
                    var word = Wide(), used = 0, index = 0
                    append(lanes { inputs.y($0) } & yMask, bits: yBits, &word, &used, &index, message)
                    for u in 0..<inUnits {
                        let v = Wide(UInt64(l0[u]), UInt64(l1[u]), UInt64(l2[u]), UInt64(l3[u]),
                                     UInt64(l4[u]), UInt64(l5[u]), UInt64(l6[u]), UInt64(l7[u]))
                        append(v & unitMask, bits: k, &word, &used, &index, message)
                    }
                    for u in 0..<inUnits {
                        let v = Wide(UInt64(r0[u]), UInt64(r1[u]), UInt64(r2[u]), UInt64(r3[u]),
                                     UInt64(r4[u]), UInt64(r5[u]), UInt64(r6[u]), UInt64(r7[u]))
                        append(v & unitMask, bits: k, &word, &used, &index, message)
                    }
                    if used > 0 { emit(word, index, message) }
                    BLAKE3.hashBlocks(message, words: messageWords, lengths: length, digest: digest)
                    for i in 0..<outputWords {
                        stream[i] = Wide(truncatingIfNeeded: byteSwapped(digest[2 * i])) &<< 32
                            | Wide(truncatingIfNeeded: byteSwapped(digest[2 * i + 1]))
                    }
                    let newY = stream[0] &>> UInt64(64 - yBits)
                    if n == 8 {
                        // A full batch: one vector store, not eight lane extractions.
                        UnsafeMutableRawPointer(outY + start).storeBytes(of: newY, as: Wide.self)
                    } else {
                        for lane in 0..<n { outY[start + lane] = newY[lane] }
                    }
                    // Metadata out with wrapping arithmetic: every index here lies inside the caller's
                    // buffers, and the overflow checks, with the output's address reloaded around
                    // each store, were a sixth of this function's samples.
                    let first = outMeta + start &* outMetaStride
                    if table <= 3 {
                        // Collated: the inputs' units side by side, from the lanes' pointers found above.
                        @inline(__always) func collate(_ lane: Int, _ l: UnsafePointer<Inputs.StoredUnit>, _ r: UnsafePointer<Inputs.StoredUnit>) {
                            guard lane < n else { return }
                            let out = first + lane &* outMetaStride
                            for u in 0..<inUnits {
                                out[u] = Unit(truncatingIfNeeded: l[u])
                                out[inUnits &+ u] = Unit(truncatingIfNeeded: r[u])
                            }
                        }
                        collate(0, l0, r0); collate(1, l1, r1); collate(2, l2, r2); collate(3, l3, r3)
                        collate(4, l4, r4); collate(5, l5, r5); collate(6, l6, r6); collate(7, l7, r7)
                    } else {
                        for u in 0..<outUnits {
                            let unit = take(bits: k, at: yBits &+ u &* k, stream)
                            for lane in 0..<n { first[lane &* outMetaStride &+ u] = Unit(truncatingIfNeeded: unit[lane]) }
                        }
                    }
                    start += n
                }
            }
        }
    }
}

/// Where a batch of Fx's pairs takes its inputs from: pair j's y (that of its left entry) and
/// where its left and right entries' metadata units lie.
public protocol FxPairInputs {
    /// How a metadata unit is stored.
    associatedtype StoredUnit: FixedWidthInteger & UnsignedInteger
    /// The y of pair j's left entry.
    func y(_ j: Int) -> UInt64
    /// The metadata units of pair j's left entry.
    func leftUnits(_ j: Int) -> UnsafePointer<StoredUnit>
    /// The metadata units of pair j's right entry.
    func rightUnits(_ j: Int) -> UnsafePointer<StoredUnit>
}

/// Pairs laid out at fixed strides: pair j's y at `y[j·yStride]`, its metadata at
/// `left + j·metaStride` and `right + j·metaStride`.
public struct StridedPairs: FxPairInputs {
    @usableFromInline let yValues: UnsafePointer<UInt64>
    @usableFromInline let yStride: Int
    @usableFromInline let leftMeta: UnsafePointer<UInt64>
    @usableFromInline let rightMeta: UnsafePointer<UInt64>
    @usableFromInline let metaStride: Int

    @inlinable
    public init(y: UnsafePointer<UInt64>, yStride: Int, left: UnsafePointer<UInt64>, right: UnsafePointer<UInt64>, metaStride: Int) {
        yValues = y
        self.yStride = yStride
        leftMeta = left
        rightMeta = right
        self.metaStride = metaStride
    }

    @inlinable @inline(__always) public func y(_ j: Int) -> UInt64 { yValues[j * yStride] }
    @inlinable @inline(__always) public func leftUnits(_ j: Int) -> UnsafePointer<UInt64> { leftMeta + j * metaStride }
    @inlinable @inline(__always) public func rightUnits(_ j: Int) -> UnsafePointer<UInt64> { rightMeta + j * metaStride }
}

/// Matched pairs of a table read in place: pair j joins entries `left[j]` and `right[j]` of a
/// table with `units` metadata values an entry, each stored as one `Unit`.
public struct IndexedPairs<Unit: FixedWidthInteger & UnsignedInteger>: FxPairInputs {
    @usableFromInline let yValues: UnsafePointer<UInt64>
    @usableFromInline let metadata: UnsafePointer<Unit>
    @usableFromInline let units: Int
    @usableFromInline let leftIndex: UnsafePointer<UInt32>
    @usableFromInline let rightIndex: UnsafePointer<UInt32>

    @inlinable
    public init(y: UnsafePointer<UInt64>, metadata: UnsafePointer<Unit>, units: Int,
                left: UnsafePointer<UInt32>, right: UnsafePointer<UInt32>) {
        yValues = y
        self.metadata = metadata
        self.units = units
        leftIndex = left
        rightIndex = right
    }

    @inlinable @inline(__always) public func y(_ j: Int) -> UInt64 { yValues[Int(leftIndex[j])] }
    // Wrapping arithmetic: an entry's place fits an Int, and overflow checks would fill the gathers.
    @inlinable @inline(__always) public func leftUnits(_ j: Int) -> UnsafePointer<Unit> { metadata + Int(leftIndex[j]) &* units }
    @inlinable @inline(__always) public func rightUnits(_ j: Int) -> UnsafePointer<Unit> { metadata + Int(rightIndex[j]) &* units }
}
