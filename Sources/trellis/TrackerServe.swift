import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker
import TrellisTrackerSQLite
import TrellisTrackerWeb

struct TrackerServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the tracker on the web: sign-in, roles, forms and the audit log (docs/tracker-web.md).",
        discussion: """
        It listens on 127.0.0.1 only, by default. To reach it from other computers, put it \
        behind a TLS reverse proxy (nginx or Caddy) and pass --trust-proxy so that it believes \
        the proxy's X-Forwarded-For and X-Forwarded-Proto headers. Ctrl-C or SIGTERM lets the \
        requests in flight finish, then closes the database. Create the first account with \
        `trellis user add LOGIN --name NAME --role admin`.

        Examples:
          trellis tracker serve --db /secure/program/tracker.sqlite
          trellis tracker serve --port 8443 --trust-proxy
        """
    )

    @OptionGroup var options: TrackerOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 = any free port).") var port = 8080
    @Flag(help: "Believe X-Forwarded-For and X-Forwarded-Proto (only behind a reverse proxy you run).") var trustProxy = false
    @Option(help: "Minutes of inactivity after which a session ends.") var idleMinutes = 30
    @Option(help: "Hours after sign-in after which a session ends, however active.") var absoluteHours = 12

    func validate() throws {
        guard (1...24 * 60).contains(idleMinutes) else { throw ValidationError("--idle-minutes must be between 1 and 1440") }
        guard (1...24 * 7).contains(absoluteHours) else { throw ValidationError("--absolute-hours must be between 1 and 168") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        let (database, curriculum) = try options.openForServing()
        var settings = TrackerWebApp.Settings()
        settings.trustProxy = trustProxy
        settings.signIn.idleTimeout = Int64(idleMinutes) * 60
        settings.signIn.absoluteTimeout = Int64(absoluteHours) * 3600
        let app = try TrackerWebApp(store: SQLiteTrackerStore(database), curriculum: curriculum, settings: settings)
        let host = self.host
        try await TrackerWebServer(app: app, host: host, port: port).run { port in
            // Unbuffered, so a script waiting for the line sees it at once.
            FileHandle.standardOutput.write(Data("The tracker is at http://\(host):\(port)/ (Ctrl-C to stop)\n".utf8))
        }
        try database.closeConnection()
        print("Stopped; the database is closed.")
    }
}

extension TrackerOptions {
    /// The database, read-write, and the curriculum its evidence refers to.
    func openForServing() throws -> (TrackerDatabase, Curriculum) {
        let tracker = try tracker(access: .readWrite)
        let database = try TrackerFailure.wrap { try TrackerDatabase.open(at: databasePath, access: .readWrite) }
        return (database, tracker.curriculum)
    }
}
