import Logging
import PlotStore
import PoSpace
import Proving

/// Answers challenges from the registry's plots: Chia's signage-point rules, spot-check
/// qualities and single proofs. Lookups run on the lookup pool, all plots at once, and each
/// answer waits at most `deadline`, naming the plots that were late.
public final class Farmer: Sendable {
    public let registry: PlotRegistry
    public let metrics: FarmerMetrics
    private let pool: LookupPool
    private let deadline: Duration
    private let logger: Logger

    public init(registry: PlotRegistry, pool: LookupPool, metrics: FarmerMetrics, deadline: Duration, logger: Logger) {
        self.registry = registry
        self.pool = pool
        self.metrics = metrics
        self.deadline = deadline
        self.logger = logger
    }

    /// For every plot that passes the filter: its qualities with their required iterations, and
    /// the full proof of each quality that wins (required iterations below the signage-point interval).
    public func answer(_ point: SignagePoint) async -> SignagePointAnswer {
        let start = ContinuousClock.now
        let plots = registry.farmed
        var answer = SignagePointAnswer()
        answer.plotsChecked = plots.count
        answer.spIntervalIters = point.spIntervalIters
        // The filter is one SHA-256 per plot: cheaper than handing the plot to another thread.
        let passing: [(plot: FarmedPlot, challenge: Challenge)] = plots.compactMap { plot in
            let filter = PlotFilter(plotID: plot.plotID, challengeHash: point.challengeHash, spHash: point.spHash)
            return filter.passes(bits: point.filterBits) ? (plot, filter.challenge) : nil
        }
        answer.plotsPassed = passing.count
        let timer = metrics.lookupDuration("signage_point")
        let outcome = await pool.run(count: passing.count, deadline: start + deadline) { i in
            let lookupStart = ContinuousClock.now
            defer { timer.record(ContinuousClock.now - lookupStart) }
            let (plot, challenge) = passing[i]
            let prover = plot.prover
            return try prover.qualities(for: challenge).map { entry in
                let iters = point.requiredIterations(quality: entry.quality, k: plot.k)
                let proof = iters < point.spIntervalIters ? try prover.proof(for: challenge, index: entry.index)?.bytes : nil
                return SignagePointQuality(plotID: plot.plotID, k: plot.k, challenge: challenge, index: entry.index,
                                           quality: entry.quality, requiredIters: iters, proof: proof)
            }
        }
        for (i, result) in outcome.finished {
            switch result {
            case .success(let qualities): answer.qualities += qualities
            case .failure(let error): answer.failedPlots.append(failed(passing[i].plot, error))
            }
        }
        answer.latePlots = late(outcome.late.map { passing[$0].plot })
        answer.elapsedMilliseconds = milliseconds(since: start)
        metrics.signagePoints.increment()
        metrics.plotsPassed.increment(by: Int64(passing.count))
        metrics.proofsFound.increment(by: Int64(answer.qualities.count { $0.proof != nil }))
        metrics.requestDuration("signage_point").record(ContinuousClock.now - start)
        return answer
    }

    /// Every farmed plot's qualities for a raw proof-of-space challenge (no filter).
    public func qualities(for challenge: Challenge) async -> QualitiesAnswer {
        let start = ContinuousClock.now
        let plots = registry.farmed
        var answer = QualitiesAnswer(challenge: challenge)
        answer.plotsChecked = plots.count
        let timer = metrics.lookupDuration("qualities")
        let outcome = await pool.run(count: plots.count, deadline: start + deadline) { i in
            let lookupStart = ContinuousClock.now
            defer { timer.record(ContinuousClock.now - lookupStart) }
            let plot = plots[i]
            return try plot.prover.qualities(for: challenge).map {
                PlotQuality(plotID: plot.plotID, k: plot.k, index: $0.index, quality: $0.quality)
            }
        }
        for (i, result) in outcome.finished {
            switch result {
            case .success(let qualities): answer.qualities += qualities
            case .failure(let error): answer.failedPlots.append(failed(plots[i], error))
            }
        }
        answer.latePlots = late(outcome.late.map { plots[$0] })
        answer.elapsedMilliseconds = milliseconds(since: start)
        metrics.requestDuration("qualities").record(ContinuousClock.now - start)
        return answer
    }

    /// The full proof at `index` among the plot's proofs for `challenge`, with its quality.
    public func proof(plotID: PlotID, challenge: Challenge, index: Int) async throws(APIError) -> ProofAnswer {
        guard let plot = registry.plot(id: plotID) else {
            throw APIError(.notFound, field: "plot_id", message: "no farmed plot has id \(plotID.hex)")
        }
        let start = ContinuousClock.now
        let timer = metrics.lookupDuration("proof")
        let outcome = await pool.run(count: 1, deadline: start + deadline) { _ -> ProofAnswer? in
            defer { timer.record(ContinuousClock.now - start) }
            let prover = plot.prover
            let qualities = try prover.qualities(for: challenge)
            guard index < qualities.count, let proof = try prover.proof(for: challenge, index: index) else { return nil }
            return ProofAnswer(plotID: plotID, k: plot.k, challenge: challenge, index: index, proof: proof.bytes,
                               quality: qualities[index].quality)
        }
        metrics.requestDuration("proof").record(ContinuousClock.now - start)
        guard let (_, result) = outcome.finished.first else {
            _ = late([plot])
            throw APIError(.serviceUnavailable, field: "plot_id", message: "the plot did not answer within the deadline")
        }
        switch result {
        case .success(let answer?):
            return answer
        case .success(nil):
            throw APIError(.notFound, field: "index", message: "the plot has no proof at index \(index) for this challenge")
        case .failure(let error):
            let failure = failed(plot, error)
            throw APIError(.serviceUnavailable, field: "plot_id", message: "the plot could not be read: \(failure.error)")
        }
    }

    /// Records a plot whose lookup threw: damaged plots stop being farmed until their file changes.
    private func failed(_ plot: FarmedPlot, _ error: any Error) -> PlotFailure {
        metrics.errorCounter("plot_read").increment()
        registry.markFailed(path: plot.path, error: error)
        metrics.update(plots: registry.all)
        return PlotFailure(plotID: plot.plotID.hex, path: plot.path, error: "\(error)")
    }

    private func late(_ plots: [FarmedPlot]) -> [String] {
        guard !plots.isEmpty else { return [] }
        metrics.errorCounter("late_plot").increment(by: Int64(plots.count))
        logger.warning("plots missed the deadline", metadata: ["plots": "\(plots.map(\.path))"])
        return plots.map(\.plotID.hex)
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
