import Hummingbird
import Logging

/// Runs the web tracker until Ctrl-C or SIGTERM: Hummingbird's application under
/// swift-service-lifecycle, which stops accepting connections, lets the requests in flight
/// finish, and then returns, so the caller closes the database cleanly.
public struct TrackerWebServer: Sendable {
    public var host: String
    public var port: Int
    public let app: TrackerWebApp

    public init(app: TrackerWebApp, host: String = "127.0.0.1", port: Int = 8080) {
        self.app = app
        self.host = host
        self.port = port
    }

    /// - Parameter onListening: called with the bound port once the server accepts connections.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "trellis.tracker")
        logger.logLevel = .notice
        let application = Application(
            router: app.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }
}
