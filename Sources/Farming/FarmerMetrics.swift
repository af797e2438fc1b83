import Prometheus

/// The farmer's Prometheus metrics, served as text at `GET /metrics`.
///
/// - `daylight_farmer_signage_points_total`: signage points answered
/// - `daylight_farmer_plots_passed_filter_total`: plots that passed the filter, summed over signage points
/// - `daylight_farmer_proofs_found_total`: winning proofs returned
/// - `daylight_farmer_lookup_duration_seconds{kind="signage_point"|"qualities"|"proof"}`: one plot's lookup
/// - `daylight_farmer_request_duration_seconds{endpoint=…}`: a whole answer, all plots included
/// - `daylight_farmer_errors_total{kind=…}`: refused requests, damaged plots, late plots
/// - `daylight_farmer_plots{status="ok"|"error"|"duplicate"}`: plot files by status
public final class FarmerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let signagePoints: Counter
    let plotsPassed: Counter
    let proofsFound: Counter

    private static let lookupBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    public init() {
        signagePoints = registry.makeCounter(descriptor: Self.name("signage_points", "total", "Signage points answered."))
        plotsPassed = registry.makeCounter(descriptor: Self.name("plots_passed_filter", "total",
                                                                 "Plots that passed the plot filter, summed over signage points."))
        proofsFound = registry.makeCounter(descriptor: Self.name("proofs_found", "total",
                                                                 "Winning proofs returned for signage points."))
        for status in [PlotRecord.Status.ok, .error, .duplicate] { _ = plotGauge(status) }
        for kind in ["bad_request", "plot_read", "late_plot"] { _ = errorCounter(kind) }
    }

    /// One plot's lookup for an endpoint (`signage_point`, `qualities`, `proof`).
    func lookupDuration(_ kind: String) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.name("lookup_duration", "seconds", "Time one plot's lookup took."),
                                       labels: [("kind", kind)], buckets: Self.lookupBuckets)
    }

    /// A whole answer, for an endpoint.
    func requestDuration(_ endpoint: String) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.name("request_duration", "seconds", "Time a whole answer took."),
                                       labels: [("endpoint", endpoint)], buckets: Self.lookupBuckets)
    }

    func errorCounter(_ kind: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("errors", "total", "Refused requests, damaged plots and late plots, by kind."),
                             labels: [("kind", kind)])
    }

    private func plotGauge(_ status: PlotRecord.Status) -> Gauge {
        registry.makeGauge(descriptor: Self.name("plots", "", "Plot files in the plot folders, by status."),
                           labels: [("status", status.rawValue)])
    }

    /// `daylight_farmer_<metric>_<unit>`.
    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "daylight", subsystem: "farmer", metricName: metric, unitName: unit, helpText: help)
    }

    /// Sets the plots-by-status gauges from the registry's list.
    func update(plots: [PlotRecord]) {
        for status in [PlotRecord.Status.ok, .error, .duplicate] {
            plotGauge(status).set(Int64(plots.count { $0.status == status }))
        }
    }

    /// The Prometheus text exposition.
    public func text() -> [UInt8] { registry.emitToBuffer() }
}
