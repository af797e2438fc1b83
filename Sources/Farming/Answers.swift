import PoSpace

/// One quality found at a signage point, with its full proof when it wins.
public struct SignagePointQuality: Sendable, Encodable {
    public let plotID: PlotID
    public let k: Int
    /// The proof-of-space challenge the plot answered: SHA-256 of its filter input.
    public let challenge: Challenge
    public let index: Int
    public let quality: QualityString
    public let requiredIters: UInt64
    /// Present only when `requiredIters` is below the signage-point interval.
    public let proof: [UInt8]?

    enum CodingKeys: String, CodingKey {
        case plotID = "plot_id", k, challenge, index, quality, requiredIters = "required_iters", proof
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(plotID.hex, forKey: .plotID)
        try c.encode(k, forKey: .k)
        try c.encode(challenge.hex, forKey: .challenge)
        try c.encode(index, forKey: .index)
        try c.encode(quality.hex, forKey: .quality)
        try c.encode(requiredIters, forKey: .requiredIters)
        try c.encodeIfPresent(proof.map { Hex.encode($0) }, forKey: .proof)
    }
}

/// A plot whose lookup failed; it is marked damaged and no longer farmed.
public struct PlotFailure: Sendable, Encodable {
    public let plotID: String
    public let path: String
    public let error: String

    enum CodingKeys: String, CodingKey { case plotID = "plot_id", path, error }
}

/// The answer to a signage point.
public struct SignagePointAnswer: Sendable, Encodable {
    /// Plots farmed when the signage point arrived.
    public var plotsChecked = 0
    public var plotsPassed = 0
    public var spIntervalIters: UInt64 = 0
    public var qualities: [SignagePointQuality] = []
    /// Plot ids that passed the filter but had not answered by the deadline.
    public var latePlots: [String] = []
    public var failedPlots: [PlotFailure] = []
    public var elapsedMilliseconds = 0.0

    enum CodingKeys: String, CodingKey {
        case plotsChecked = "plots_checked", plotsPassed = "plots_passed", spIntervalIters = "sp_interval_iters",
             qualities, latePlots = "late_plots", failedPlots = "failed_plots", elapsedMilliseconds = "elapsed_ms"
    }
}

/// One quality of `POST /v1/qualities`.
public struct PlotQuality: Sendable, Encodable {
    public let plotID: PlotID
    public let k: Int
    public let index: Int
    public let quality: QualityString

    enum CodingKeys: String, CodingKey { case plotID = "plot_id", k, index, quality }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(plotID.hex, forKey: .plotID)
        try c.encode(k, forKey: .k)
        try c.encode(index, forKey: .index)
        try c.encode(quality.hex, forKey: .quality)
    }
}

/// The answer to `POST /v1/qualities`.
public struct QualitiesAnswer: Sendable, Encodable {
    public var challenge: Challenge
    public var plotsChecked = 0
    public var qualities: [PlotQuality] = []
    public var latePlots: [String] = []
    public var failedPlots: [PlotFailure] = []
    public var elapsedMilliseconds = 0.0

    enum CodingKeys: String, CodingKey {
        case challenge, plotsChecked = "plots_checked", qualities, latePlots = "late_plots",
             failedPlots = "failed_plots", elapsedMilliseconds = "elapsed_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(challenge.hex, forKey: .challenge)
        try c.encode(plotsChecked, forKey: .plotsChecked)
        try c.encode(qualities, forKey: .qualities)
        try c.encode(latePlots, forKey: .latePlots)
        try c.encode(failedPlots, forKey: .failedPlots)
        try c.encode(elapsedMilliseconds, forKey: .elapsedMilliseconds)
    }
}

/// The answer to `POST /v1/proofs`.
public struct ProofAnswer: Sendable, Encodable {
    public let plotID: PlotID
    public let k: Int
    public let challenge: Challenge
    public let index: Int
    public let proof: [UInt8]
    public let quality: QualityString

    enum CodingKeys: String, CodingKey { case plotID = "plot_id", k, challenge, index, proof, quality }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(plotID.hex, forKey: .plotID)
        try c.encode(k, forKey: .k)
        try c.encode(challenge.hex, forKey: .challenge)
        try c.encode(index, forKey: .index)
        try c.encode(Hex.encode(proof), forKey: .proof)
        try c.encode(quality.hex, forKey: .quality)
    }
}
