import ArgumentParser
import Farming
import Foundation
import Logging

/// `farmer`: answers signage points for every plot in its folders over HTTP.
@main
struct FarmerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "farmer",
        abstract: "Answer proof-of-space challenges for every plot in the plot folders, over HTTP.",
        discussion: """
            Settings come from defaults, then --config FILE (a JSON object), then the environment \
            (DAYLIGHT_FARMER_PLOTS, DAYLIGHT_FARMER_LISTEN, DAYLIGHT_FARMER_RESCAN_INTERVAL_S, \
            DAYLIGHT_FARMER_DEADLINE_S, DAYLIGHT_FARMER_TOKEN, DAYLIGHT_FARMER_MAX_BODY_BYTES, \
            DAYLIGHT_FARMER_LOOKUP_THREADS, DAYLIGHT_FARMER_LOG_LEVEL), then these options. \
            The API is described in docs/openapi.yaml. SIGTERM or SIGINT stops it cleanly (exit 0).
            """)

    @Option(help: "Plot folders, comma-separated.")
    var plots: String?

    @Option(help: "HOST:PORT to listen on (default 127.0.0.1:8444; port 0 picks a free one).")
    var listen: String?

    @Option(help: "A JSON configuration file.")
    var config: String?

    @Option(help: "Seconds between plot-folder rescans (default 2).")
    var rescanInterval: String?

    @Option(help: "Seconds a signage point waits for plots before answering without the late ones (default 5).")
    var deadline: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    func run() async throws {
        var settings = FarmerConfiguration()
        do {
            if let config { try settings.apply(configFile: config) }
            try settings.apply(environment: ProcessInfo.processInfo.environment)
            for (key, flag, value) in [("plots", "--plots", plots), ("listen", "--listen", listen),
                                       ("rescan_interval_s", "--rescan-interval", rescanInterval),
                                       ("deadline_s", "--deadline", deadline), ("log_level", "--log-level", logLevel)] {
                if let value { try settings.set(key, to: value, source: flag) }
            }
            try settings.validate()
        } catch {
            FileHandle.standardError.write(Data("farmer: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        var logger = Logger(label: "farmer")
        logger.logLevel = level
        try await FarmerServer.run(configuration: settings, logger: logger)
    }
}
