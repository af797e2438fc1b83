import Logging
import NIOPosix
import ServiceLifecycle

/// Rescans the plot folders every `interval` until the service group shuts down, so plots
/// added (a plotter finishing into the folder) or removed are farmed or dropped without a restart.
public struct PlotRescanner: Service {
    let registry: PlotRegistry
    let metrics: FarmerMetrics
    let interval: Duration

    public init(registry: PlotRegistry, metrics: FarmerMetrics, interval: Duration) {
        self.registry = registry
        self.metrics = metrics
        self.interval = interval
    }

    /// One scan, on NIO's blocking-work pool: opening a plot reads and checks the file.
    public func scanOnce() async throws {
        try await NIOThreadPool.singleton.runIfActive { registry.scan() }
        metrics.update(plots: registry.all)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            try await scanOnce()
        }
    }
}
