import Foundation
import TrellisModel
import TrellisSite

/// What open preview pages are told after a build (sent as a Server-Sent Event).
public struct PreviewEvent: Sendable, Equatable {
    /// Names the build the page should show: `<session>-<number>`, so a page from an earlier
    /// run of `trellis serve` also sees that it is out of date.
    public var build: String
    /// Files written or removed, as `<edition>/<path>` (`trainee/modules/engage.html`).
    public var changed: [String]
    /// Too many files changed to list: every page should reload.
    public var reloadsEverything: Bool
    /// Empty when the latest build succeeded; else what stopped it, errors and warnings,
    /// exactly as `trellis check` reports them.
    public var diagnostics: [Diagnostic]
    /// Sent when a page connects: it carries the current state rather than a change.
    public var isGreeting: Bool

    /// Above this many changed files, the event says "everything" instead of listing them.
    static let listLimit = 200

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The event's `data:` line.
    public func json() -> String {
        struct Payload: Encodable {
            struct Problem: Encodable {
                var location: String
                var severity: String
                var message: String
                var remedy: String?
                var text: String
            }
            var build: String
            var changed: [String]
            var all: Bool
            var greeting: Bool
            var errors: [Problem]
        }
        let payload = Payload(build: build, changed: changed, all: reloadsEverything, greeting: isGreeting,
                              errors: diagnostics.map { Payload.Problem(location: $0.location.description, severity: $0.severity.rawValue,
                                                                         message: $0.message, remedy: $0.remedy, text: $0.description) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // `<` escaped so the same JSON can sit inside a <script> element.
        return String(decoding: (try? encoder.encode(payload)) ?? Data("{}".utf8), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
    }

    /// The event as sent on the wire.
    func serverSentEvent() -> String {
        "event: build\ndata: \(json())\n\n"
    }
}

/// A `trellis serve` session: builds the site, rebuilds it when a source changes, and tells
/// open pages about each build.
///
/// Builds run one at a time on the session's own thread (they use every core through
/// `concurrentMap`), never on the HTTP server's tasks, so pages keep being served during a
/// rebuild. Each rebuild is a whole `trellis build` that rewrites only the files whose bytes
/// changed, so the event names exactly the pages to reload. A build that fails leaves the last
/// good site in place: the failure becomes the overlay shown on every page until a later
/// build succeeds.
public final class PreviewSession: @unchecked Sendable {
    public let settings: SiteSettings
    private let today: @Sendable () -> CalendarDate
    private let log: @Sendable (String) -> Void

    private let lock = NSLock()
    private var latest: PreviewEvent
    private var number = 0
    private let sessionID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private var stopped = false
    /// Serializes builds: the watcher's and any started by a test.
    private let buildLock = NSLock()

    /// - Parameters:
    ///   - today: the date for review-date warnings, asked at every build.
    ///   - log: receives the line printed for each build (and diagnostics after a failed one).
    public init(settings: SiteSettings, today: @escaping @Sendable () -> CalendarDate, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.today = today
        self.log = log
        self.latest = PreviewEvent(build: "", changed: [], reloadsEverything: false, diagnostics: [], isGreeting: true)
    }

    /// The state a newly opened page should show.
    public var current: PreviewEvent {
        lock.lock()
        defer { lock.unlock() }
        return latest
    }

    // MARK: - Building

    /// The result of one build, for the terminal and for tests.
    public struct BuildReport: Sendable {
        /// The event published, when files changed or the error state did.
        public var events: [PreviewEvent]
        public var line: String
        public var outcome: SiteCompiler.Report?
        public var seconds: Double
        public var diagnostics: [Diagnostic]
    }

    /// Builds the site again; publishes an event when files changed or the error state did.
    /// Never throws: failures become the event's diagnostics.
    ///
    /// - Parameter changedSources: the sources the watcher saw change, for the terminal line.
    @discardableResult
    public func rebuild(initial: Bool = false, changedSources: [String] = []) -> BuildReport {
        buildLock.lock()
        defer { buildLock.unlock() }
        if isStopped { return BuildReport(events: [], line: "", outcome: nil, seconds: 0, diagnostics: []) }
        let start = Date()
        let hadErrors = current.hasErrors
        var diagnostics: [Diagnostic] = []
        var outcome: SiteCompiler.Report?
        var failure: String?
        do {
            outcome = try SiteCompiler(settings: settings, today: today()).build()
        } catch let list as DiagnosticList {
            diagnostics = list.diagnostics
        } catch {
            // A write failure: show it like a diagnostic so the page says what happened.
            failure = "\(error)"
            let path = (error as? AtomicDirectory.WriteError)?.path ?? settings.outputDirectory
            diagnostics = [.error(at: SourceLocation(path: path, line: 1, column: 1), "\(error)",
                                  remedy: "make \(settings.outputDirectory) writable or free some disk space, then save any curriculum file (or restart `trellis serve`) to rebuild")]
        }
        let seconds = Date().timeIntervalSince(start)
        var events: [PreviewEvent] = []
        let changed = outcome.map(Self.changedPaths) ?? []
        if initial {
            // Nobody is listening yet: just name the build pages will be served with.
            _ = publish(changed: [], diagnostics: diagnostics, sending: false)
        } else if !changed.isEmpty || hadErrors || !diagnostics.isEmpty {
            events.append(publish(changed: changed, diagnostics: diagnostics))
        }
        let line = Self.describe(outcome: outcome, diagnostics: diagnostics, failure: failure, seconds: seconds, initial: initial,
                                 changedSources: changedSources)
        return BuildReport(events: events, line: line, outcome: outcome, seconds: seconds, diagnostics: diagnostics)
    }

    private static func changedPaths(_ outcome: SiteCompiler.Report) -> [String] {
        (outcome.writtenFiles.flatMap { edition, paths in paths.map { "\(edition.rawValue)/\($0)" } }
            + outcome.removedFiles.flatMap { edition, paths in paths.map { "\(edition.rawValue)/\($0)" } }).sorted()
    }

    /// Makes the next build's event the current state and sends it to every open page.
    private func publish(changed: [String], diagnostics: [Diagnostic], sending: Bool = true) -> PreviewEvent {
        let event = lock.guarding {
            number += 1
            latest = PreviewEvent(build: "\(sessionID)-\(number)", changed: changed.count > PreviewEvent.listLimit ? [] : changed,
                                  reloadsEverything: changed.count > PreviewEvent.listLimit, diagnostics: diagnostics,
                                  isGreeting: false)
            return latest
        }
        if sending {
            let text = event.serverSentEvent()
            for continuation in lock.guarding({ Array(subscribers.values) }) { continuation.yield(text) }
        }
        return event
    }

    /// One line per build: what changed, how many files, how long.
    static func describe(outcome: SiteCompiler.Report?, diagnostics: [Diagnostic], failure: String?, seconds: Double,
                         initial: Bool, changedSources: [String]) -> String {
        func milliseconds(_ seconds: Double) -> String { "\(Int((seconds * 1000).rounded())) ms" }
        let what: String
        switch changedSources.count {
        case 0: what = initial ? "Built" : "Rebuilt"
        case 1: what = "\(changedSources[0]) changed:"
        default: what = "\(changedSources[0]) and \(changedSources.count - 1) more changed:"
        }
        if let failure { return "\(what) could not write the site: \(failure) — still serving the last good pages" }
        if diagnostics.hasErrors {
            let errors = diagnostics.errors.count
            return "\(what) \(errors) error\(errors == 1 ? "" : "s") — pages show them over the last good build (\(milliseconds(seconds)))"
        }
        guard let outcome else { return what }
        let pages = outcome.pagesPerEdition.keys.sorted().map { "\($0.rawValue) \(outcome.pagesPerEdition[$0]!)" }.joined(separator: ", ")
        let removed = outcome.filesRemoved
        let files = "\(outcome.filesWritten) file\(outcome.filesWritten == 1 ? "" : "s") written"
            + (removed > 0 ? ", \(removed) removed" : "")
        let warnings = outcome.warnings.isEmpty ? "" : ", \(outcome.warnings.count) warning\(outcome.warnings.count == 1 ? "" : "s")"
        return "\(what) \(outcome.modules) modules, \(files) (pages: \(pages)) in \(milliseconds(seconds))\(warnings)"
    }

    // MARK: - Events

    /// A stream of Server-Sent Event text for one open page: the current state first, then
    /// every later build. It ends when the session stops or the page goes away.
    public func events() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id = UUID()
        let accepted: Bool = lock.guarding {
            guard !stopped else { return false }
            subscribers[id] = continuation
            var greeting = latest
            greeting.isGreeting = true
            greeting.changed = []
            greeting.reloadsEverything = false
            // `retry` makes the browser reconnect quickly after the server restarts.
            continuation.yield("retry: 1000\n\n" + greeting.serverSentEvent())
            return true
        }
        if !accepted { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.guarding { self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many pages are listening (for tests and the shutdown message).
    public var listenerCount: Int { lock.guarding { subscribers.count } }

    /// A comment line, sent now and then so a closed page's connection is noticed and dropped.
    func sendKeepAlive() {
        for continuation in lock.guarding({ Array(subscribers.values) }) { continuation.yield(": keep-alive\n\n") }
    }

    // MARK: - Watching

    /// Watches the curriculum and theme folders on a thread of its own and rebuilds after
    /// each change, printing one line per build through `log`.
    public func startWatching() {
        let watcher = SourceWatcher(directories: settings.sourceDirectories)
        let thread = Thread { [weak self] in
            var lastKeepAlive = Date()
            while let self, !self.isStopped {
                let changed = watcher.waitForChanges(timeout: 0.25)
                if self.isStopped { break }
                if Date().timeIntervalSince(lastKeepAlive) > 15 {
                    self.sendKeepAlive()
                    lastKeepAlive = Date()
                }
                guard !changed.isEmpty else { continue }
                let report = self.rebuild(changedSources: changed)
                if !report.events.isEmpty || report.outcome?.changedNothing == false { self.announce(report) }
            }
            watcher.close()
        }
        thread.name = "trellis-serve-watcher"
        thread.start()
    }

    /// Prints a build's line and, after a failed build, its diagnostics.
    public func announce(_ report: BuildReport) {
        let time = Self.clock.string(from: Date())
        log("[\(time)] \(report.line)")
        // TRELLIS_TIMINGS=1 shows where a slow rebuild spends its time.
        if ProcessInfo.processInfo.environment["TRELLIS_TIMINGS"] == "1", report.outcome != nil {
            log("  " + report.outcome!.timingsDescription)
        }
        if report.diagnostics.hasErrors {
            for diagnostic in report.diagnostics { log("  " + diagnostic.description) }
        }
    }

    private static let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    private var isStopped: Bool { lock.guarding { stopped } }

    /// Stops watching and ends every page's event stream.
    public func stop() {
        let continuations = lock.guarding { () -> [AsyncStream<String>.Continuation] in
            stopped = true
            let all = Array(subscribers.values)
            subscribers = [:]
            return all
        }
        for continuation in continuations { continuation.finish() }
        // Waits for a build in progress, so that none writes after `stop` returns.
        buildLock.guarding {}
    }
}
