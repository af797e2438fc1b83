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
        var writer = BitStreamWriter(words: stream)
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
        typealias Lanes = BLAKE3.Lanes
        let length = Lanes(repeating: UInt32(inputLength))
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 24) { buffer in
            let message = buffer.baseAddress!, digest = message + 16
            message.initialize(repeating: Lanes(), count: 24)
            // Word w of lane i is at [w * 8 + i].
            let messageWords = UnsafeMutableRawPointer(message).assumingMemoryBound(to: UInt32.self)
            let digestWords = UnsafeRawPointer(digest).assumingMemoryBound(to: UInt32.self)
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 8) { streamBuffer in
                let stream = streamBuffer.baseAddress!
                stream.initialize(repeating: 0, count: 8)
                var start = 0
                while start < count {
                    let n = Swift.min(8, count - start)
                    for lane in 0..<n {
                        let j = start + lane
                        writeInput(y: y[j * yStride], left: left + j * metaStride, right: right + j * metaStride, into: stream)
                        // Message words past the input stay zero from the start.
                        for i in 0..<inputWords {
                            messageWords[(2 * i) * 8 + lane] = UInt32(truncatingIfNeeded: stream[i] >> 32).byteSwapped
                            messageWords[(2 * i + 1) * 8 + lane] = UInt32(truncatingIfNeeded: stream[i]).byteSwapped
                        }
                    }
                    BLAKE3.hashBlocks(message, lengths: length, digest: digest)
                    for lane in 0..<n {
                        let j = start + lane
                        for i in 0..<outputWords {
                            stream[i] = UInt64(digestWords[(2 * i) * 8 + lane].byteSwapped) << 32
                                | UInt64(digestWords[(2 * i + 1) * 8 + lane].byteSwapped)
                        }
                        outY[j] = readOutput(digest: stream, left: left + j * metaStride, right: right + j * metaStride,
                                             collated: outMeta + j * outMetaStride)
                    }
                    start += n
                }
            }
        }
    }
}
