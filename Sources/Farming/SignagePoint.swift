import PoSpace

/// A signage point to answer (`POST /v1/signage-points`): the chain values Chia's rules need.
public struct SignagePoint: Sendable, Decodable {
    public var challengeHash: Hash32
    public var spHash: Hash32
    /// The challenge-chain signage-point output hash hashed with each quality; `sp_hash` unless given.
    public var ccSPOutputHash: Hash32
    /// Leading zero bits the plot filter hash needs (0: every plot passes).
    public var filterBits: Int
    public var difficulty: UInt64
    public var subSlotIters: UInt64
    public var difficultyConstantFactor: UInt128
    /// With `hardFork2Height`, turns on the phase-out of original-format plots (one alone does nothing).
    public var prevTransactionBlockHeight: UInt32?
    public var hardFork2Height: UInt32?

    public init(challengeHash: Hash32, spHash: Hash32, ccSPOutputHash: Hash32? = nil, filterBits: Int,
                difficulty: UInt64, subSlotIters: UInt64,
                difficultyConstantFactor: UInt128 = RequiredIterations.defaultDifficultyConstantFactor,
                prevTransactionBlockHeight: UInt32? = nil, hardFork2Height: UInt32? = nil) {
        self.challengeHash = challengeHash
        self.spHash = spHash
        self.ccSPOutputHash = ccSPOutputHash ?? spHash
        self.filterBits = filterBits
        self.difficulty = difficulty
        self.subSlotIters = subSlotIters
        self.difficultyConstantFactor = difficultyConstantFactor
        self.prevTransactionBlockHeight = prevTransactionBlockHeight
        self.hardFork2Height = hardFork2Height
    }

    static let fields: Set<String> = ["challenge_hash", "sp_hash", "cc_sp_output_hash", "filter_bits", "difficulty",
                                      "sub_slot_iters", "difficulty_constant_factor", "prev_transaction_block_height",
                                      "hard_fork2_height"]

    public init(from decoder: any Decoder) throws {
        let f = try RequestFields(decoder, known: Self.fields)
        let spHash: Hash32 = try f.bytes32("sp_hash")
        let previous = try f.optionalInteger("prev_transaction_block_height", in: 0...UInt64(UInt32.max))
        let fork = try f.optionalInteger("hard_fork2_height", in: 0...UInt64(UInt32.max))
        self.init(challengeHash: try f.bytes32("challenge_hash"), spHash: spHash,
                  ccSPOutputHash: try f.optionalBytes32("cc_sp_output_hash"),
                  filterBits: Int(try f.integer("filter_bits", in: 0...256)),
                  difficulty: try f.integer("difficulty", in: 1...UInt64.max),
                  subSlotIters: try f.integer("sub_slot_iters", in: 1...UInt64.max),
                  difficultyConstantFactor: try f.optionalWideInteger("difficulty_constant_factor", in: 1...UInt128.max)
                      ?? RequiredIterations.defaultDifficultyConstantFactor,
                  prevTransactionBlockHeight: previous.map { UInt32($0) }, hardFork2Height: fork.map { UInt32($0) })
    }

    /// sub_slot_iters ÷ 64: the bound a quality's required iterations must stay under to win.
    public var spIntervalIters: UInt64 { RequiredIterations.spIntervalIters(subSlotIters: subSlotIters) }

    /// Iterations added for original-format plots after Chia's second hard fork (0 without the heights).
    public var phaseOut: UInt64 {
        guard let prevTransactionBlockHeight, let hardFork2Height else { return 0 }
        return RequiredIterations.phaseOut(spIntervalIters: spIntervalIters,
                                           prevTransactionBlockHeight: prevTransactionBlockHeight,
                                           hardFork2Height: hardFork2Height)
    }

    /// The iterations a quality from a plot of size `k` needs at this signage point.
    public func requiredIterations(quality: QualityString, k: Int) -> UInt64 {
        RequiredIterations.compute(quality: quality, ccSPOutputHash: ccSPOutputHash, k: k, difficulty: difficulty,
                                   difficultyConstantFactor: difficultyConstantFactor, phaseOut: phaseOut)
    }
}
