import PoSpace

/// One proof found for a challenge: where it is in the plot and its quality.
public struct QualityEntry: Hashable, Sendable {
    /// Index among the challenge's proofs, in plot order (what `proof(challenge:index:)` takes).
    public let index: Int
    public let quality: QualityString
}

/// Finds qualities and full proofs for challenges in a plot.
///
/// A challenge's first k bits select table-7 entries; from each, the quality walks down one
/// branch (six line points, the challenge's last five bits choosing left or right), while the
/// full proof expands all 64 leaves and is returned in proof ordering.
public struct Prover<Source: ProofSource> {
    public let source: Source
    /// Which table-7 entries count as reached (default: exactly those chiapos reaches).
    public let lookup: Table7Lookup

    public init(source: Source, lookup: Table7Lookup = .chiapos) {
        self.source = source
        self.lookup = lookup
    }

    /// Positions in final table 6 where the challenge's proofs start, in plot order.
    private func starts(_ challenge: Challenge) throws -> ArraySlice<UInt64> {
        lookup.reached(try source.table7Run(f7: target(challenge)), k: source.k)
    }

    private func target(_ challenge: Challenge) -> UInt64 {
        challenge.bytes.withUnsafeBytes { BitPacking.read($0, bitOffset: 0, count: source.k) }
    }

    /// The qualities of every proof the plot holds for `challenge`.
    public func qualities(for challenge: Challenge) throws -> [QualityEntry] {
        let route = Int(challenge.bytes[31] & 0x1F)
        return try starts(challenge).enumerated().map { index, start in
            var position = start
            for table in stride(from: 6, through: 2, by: -1) {
                let pair = LinePoint.decode(try source.linePoint(table: table, position: position))
                position = (route >> (table - 2)) & 1 == 0 ? pair.y : pair.x
            }
            let leaves = LinePoint.decode(try source.linePoint(table: 1, position: position))
            let xs = [leaves.y, leaves.x]
            var quality: QualityString?
            xs.withUnsafeBufferPointer { buffer in
                quality = QualityString(challenge: challenge, k: source.k, pairAt: buffer.baseAddress!)
            }
            return QualityEntry(index: index, quality: quality!)
        }
    }

    /// Every proof the plot holds for `challenge`, in plot order.
    public func proofs(for challenge: Challenge) throws -> [Proof] {
        try starts(challenge).map { try proof(from: $0) }
    }

    /// The proof at `index` among the challenge's proofs (see `qualities(for:)`), or nil.
    public func proof(for challenge: Challenge, index: Int) throws -> Proof? {
        let matches = try starts(challenge)
        guard index >= 0, index < matches.count else { return nil }
        return try proof(from: matches[matches.startIndex + index])
    }

    /// Expands the tree under a table-6 position to its 64 x values, in proof ordering.
    private func proof(from start: UInt64) throws -> Proof {
        var positions = [start]
        for table in stride(from: 6, through: 1, by: -1) {
            var next = [UInt64]()
            next.reserveCapacity(positions.count * 2)
            for p in positions {
                let pair = LinePoint.decode(try source.linePoint(table: table, position: p))
                next.append(pair.y)
                next.append(pair.x)
            }
            positions = next
        }
        let ordered = ProofOrdering.proofOrdering(of: positions, k: source.k, plotID: source.plotID)
        return try Proof(k: source.k, xs: ordered)
    }
}
