import ArgumentParser
import Dispatch
import Foundation
import TrellisModel
import TrellisSite
import TrellisPreview

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the site while you write: rebuild on every save and reload the page.",
        discussion: """
        Builds the curriculum into <output> (as `trellis build` does), serves \
        both editions at http://<host>:<port>/trainee/ and /trainer/, and watches the \
        curriculum and Site/ folders. After each save it rebuilds, rewrites only the files that \
        changed and tells the open pages showing them to reload, keeping their scroll position. A switch on every page shows the \
        other edition. When a change introduces an error, pages show the errors (as \
        `trellis check` prints them) over the last good page until the file is fixed.

        It listens on 127.0.0.1 (this machine only) unless --host says otherwise. Ctrl-C stops it.

        Examples:
          trellis serve
          trellis serve --port 8080 --edition trainer
        """
    )

    @OptionGroup var options: CurriculumOptions

    @Option(name: .long, help: "The port to listen on (0 picks a free one).")
    var port: UInt16 = 8000

    @Option(name: .long, help: "The address to listen on: 127.0.0.1 (this machine only), ::1, or 0.0.0.0 (every network).")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Serve only this edition: trainee or trainer (default: both).")
    var edition: Edition?

    @Option(name: .long, help: "Where to build the site; each edition goes in a subfolder.")
    var output: String = "_site"

    @Option(name: .long, help: "The theme folder with templates/ and static/ (default: Site beside the curriculum if there is one, else the built-in theme).")
    var theme: String?

    func run() throws {
        let fixedToday = options.today == nil ? nil : try options.todayDate()
        let options = self.options
        let settings = SiteSettings(curriculumDirectory: options.curriculum, theme: options.theme(theme),
                                    outputDirectory: output, editions: edition.map { [$0] } ?? Edition.allCases)
        do {
            try settings.checkOutputLocation()
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        let session = PreviewSession(
            settings: settings,
            today: { fixedToday ?? ((try? options.todayDate()) ?? CalendarDate(year: 2000, month: 1, day: 1)!) },
            log: { line in say(line) })

        // The port is taken before the first build, so a port in use is said at once.
        let server: PreviewServer
        do {
            server = try PreviewServer(session: session, host: host, port: port)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode(2)
        }
        let started = Outcome()
        let done = DispatchSemaphore(value: 0)
        let editions = settings.editions
        Task {
            do {
                let port = try await server.start()
                started.set(.success(port))
            } catch {
                started.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        let port: UInt16
        switch started.value! {
        case .success(let chosen): port = chosen
        case .failure(let error):
            Terminal.error("error: \(error)")
            throw ExitCode(1)
        }

        let first = session.rebuild(initial: true)
        session.announce(first)
        if let outcome = first.outcome {
            Terminal.report(outcome.warnings)
            for notice in outcome.notices + [outcome.removedPDFsNotice].compactMap({ $0 }) { Terminal.error(notice) }
        }

        let hostInURL = server.host.contains(":") ? "[\(server.host)]" : server.host
        let names = editions.map(\.rawValue).joined(separator: " and ")
        say("Serving the \(names) edition\(editions.count == 1 ? "" : "s") at http://\(hostInURL):\(port)/\(editions[0].rawValue)/index.html")
        if server.isLoopback {
            say("Listening on \(server.host) only: other machines cannot connect (use --host 0.0.0.0 to share on your network).")
        } else {
            say("warning: listening on \(server.host): anyone who can reach this machine can read the \(names) edition\(editions.count == 1 ? "" : "s").")
        }
        session.startWatching()
        say("Watching \(settings.sourceDirectories.joined(separator: " and ")) for changes. Press Ctrl-C to stop.")

        // Ctrl-C (and `kill`) stop the server cleanly: pages' event streams end.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        say("\nStopping…")
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            stopped.signal()
        }
        _ = stopped.wait(timeout: .now() + 5)
        sources.forEach { $0.cancel() }
        say("Stopped.")
    }
}

/// Writes a line to standard output at once (unbuffered), so a script reading it sees each rebuild as it happens.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A value set by one thread and read by another after a semaphore.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<UInt16, any Error>?

    func set(_ value: Result<UInt16, any Error>) {
        lock.lock()
        stored = value
        lock.unlock()
    }

    var value: Result<UInt16, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
