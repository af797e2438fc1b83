import Foundation
import Hummingbird
import Logging
import NIOCore

/// The whole farmer process: registry, first scan, rescans, lookup pool and HTTP server, until
/// SIGTERM or SIGINT, when it stops accepting, finishes requests in flight and returns.
public enum FarmerServer {
    public static func run(configuration: FarmerConfiguration, logger: Logger) async throws {
        raiseOpenFileLimit(logger: logger)
        let registry = PlotRegistry(directories: configuration.plotDirectories.map { URL(fileURLWithPath: $0) },
                                    logger: logger)
        let metrics = FarmerMetrics()
        let rescanner = PlotRescanner(registry: registry, metrics: metrics, interval: configuration.rescanInterval)
        try await rescanner.scanOnce()
        let plots = registry.all
        logger.info("plots loaded", metadata: ["ok": "\(plots.count { $0.status == .ok })",
                                               "not_farmed": "\(plots.count { $0.status != .ok })",
                                               "folders": "\(configuration.plotDirectories)"])
        let pool = LookupPool(threads: configuration.lookupThreads)
        let farmer = Farmer(registry: registry, pool: pool, metrics: metrics, deadline: configuration.deadline,
                            logger: logger)
        let app = Application(
            router: FarmerAPI.router(farmer: farmer, configuration: configuration),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: nil),
            services: [rescanner],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
                // One line on stdout for scripts and tests that asked for port 0.
                FileHandle.standardOutput.write(Data("farmer listening on http://\(configuration.host):\(port)\n".utf8))
            },
            logger: logger)
        try await app.runService()
        await pool.shutdown()
        logger.info("stopped")
    }

    /// Every open plot holds file descriptors; a farm of thousands of plots needs more than the
    /// usual soft limit of 1024, so take what the hard limit allows.
    private static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let before = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.debug("raised the open-file limit", metadata: ["from": "\(before)", "to": "\(limit.rlim_max)"])
        }
    }
}
