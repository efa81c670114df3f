import Foundation

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

/// A `trellis serve` session: builds the site, rebuilds it incrementally when a source
/// changes, and tells open pages about each build.
///
/// Builds run one at a time on the session's own thread (they use every core through
/// `concurrentMap`), never on the HTTP server's tasks, so pages keep being served during a
/// rebuild. A build that fails leaves the last good site in place: the failure becomes the
/// overlay shown on every page until a later build succeeds.
public final class PreviewSession: @unchecked Sendable {
    public let settings: SiteState.Settings
    /// Where the state is saved when the session stops, for the next `trellis build` or `serve`.
    public let cacheDirectory: String?
    private let today: @Sendable () -> CalendarDate
    private let log: @Sendable (String) -> Void

    private let lock = NSLock()
    private var state: SiteState
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
    public init(settings: SiteState.Settings, cacheDirectory: String?, today: @escaping @Sendable () -> CalendarDate,
                log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.cacheDirectory = cacheDirectory
        self.today = today
        self.log = log
        self.state = cacheDirectory.flatMap { SiteCache.load(settings, from: $0) } ?? SiteState(settings: settings)
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
        /// The events published, in order: the pages of the modules just edited, then the
        /// other pages that changed, then the whole-curriculum files (`manual.html`,
        /// `search-index.js`) — each event only when its files changed.
        public var events: [PreviewEvent]
        public var line: String
        public var outcome: SiteState.Outcome?
        public var seconds: Double
        /// From the start of the build to the first event.
        public var secondsToFirstEvent: Double?
        public var diagnostics: [Diagnostic]
    }

    /// Written after every other file in a rebuild (see `SiteState.update(deferring:)`).
    static let deferredFiles: Set<String> = [SiteBuilder.manualPath, SiteBuilder.searchIndexPath]

    /// Builds what changed since the previous build; publishes an event when pages changed
    /// or the error state did. Never throws: failures become the event's diagnostics.
    @discardableResult
    public func rebuild(initial: Bool = false) -> BuildReport {
        buildLock.lock()
        defer { buildLock.unlock() }
        // After `stop()` has saved the state, a build would write files the saved cache does not know.
        if isStopped { return BuildReport(events: [], line: "", outcome: nil, seconds: 0, secondsToFirstEvent: nil, diagnostics: []) }
        let start = Date()
        var state = lock.guarding { self.state }
        let hadErrors = current.hasErrors
        var diagnostics: [Diagnostic] = []
        var outcome: SiteState.Outcome?
        var failure: String?
        var events: [PreviewEvent] = []
        var firstEvent: Double?
        var published: Set<String> = []
        do {
            // Called once the edited modules' pages are written, and again once every page
            // but the whole-curriculum files is: each time, pages showing a new file reload.
            outcome = try state.update(today: today(), deferring: initial ? [] : Self.deferredFiles) { soFar in
                let changed = Self.changedPaths(soFar).filter { !published.contains($0) }
                guard !initial, !changed.isEmpty else { return }
                events.append(self.publish(changed: changed, diagnostics: []))
                firstEvent = firstEvent ?? Date().timeIntervalSince(start)
                published.formUnion(changed)
            }
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
        lock.guarding { self.state = state }

        let remaining = outcome.map(Self.changedPaths)?.filter { !published.contains($0) } ?? []
        if initial || !remaining.isEmpty || hadErrors || !diagnostics.isEmpty {
            if initial {
                // Nobody is listening yet: just name the build pages will be served with.
                _ = publish(changed: [], diagnostics: diagnostics, sending: false)
            } else {
                events.append(publish(changed: remaining, diagnostics: diagnostics))
                firstEvent = firstEvent ?? Date().timeIntervalSince(start)
            }
        }
        let line = Self.describe(outcome: outcome, diagnostics: diagnostics, failure: failure, seconds: seconds,
                                 secondsToFirstEvent: events.count > 1 ? firstEvent : nil, initial: initial,
                                 changedSources: state.lastChangedSources)
        return BuildReport(events: events, line: line, outcome: outcome, seconds: seconds, secondsToFirstEvent: firstEvent,
                           diagnostics: diagnostics)
    }

    private static func changedPaths(_ outcome: SiteState.Outcome) -> [String] {
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
    static func describe(outcome: SiteState.Outcome?, diagnostics: [Diagnostic], failure: String?, seconds: Double,
                         secondsToFirstEvent: Double?, initial: Bool, changedSources: [String]) -> String {
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
        let removed = outcome.removedFiles.values.reduce(0) { $0 + $1.count }
        let files = "\(outcome.filesWritten) file\(outcome.filesWritten == 1 ? "" : "s") written"
            + (removed > 0 ? ", \(removed) removed" : "")
        let warnings = outcome.warnings.isEmpty ? "" : ", \(outcome.warnings.count) warning\(outcome.warnings.count == 1 ? "" : "s")"
        let reload = secondsToFirstEvent.map { ", pages told to reload after \(milliseconds($0))" } ?? ""
        return "\(what) \(outcome.modules) modules, \(files) (pages: \(pages)) in \(milliseconds(seconds))\(reload)\(warnings)"
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
        let watcher = SourceWatcher(directories: [settings.curriculumDirectory, settings.themeDirectory])
        let thread = Thread { [weak self] in
            self?.prepareForEdits()
            var lastKeepAlive = Date()
            while let self, !self.isStopped {
                let changed = watcher.waitForChanges(timeout: 0.25)
                if self.isStopped { break }
                if Date().timeIntervalSince(lastKeepAlive) > 15 {
                    self.sendKeepAlive()
                    lastKeepAlive = Date()
                }
                guard changed else { continue }
                let report = self.rebuild()
                if !report.events.isEmpty || report.outcome?.changedNothing == false { self.announce(report) }
            }
            watcher.close()
        }
        thread.name = "trellis-serve-watcher"
        thread.start()
    }

    /// Does ahead of time the work the first rebuild would otherwise do (see `SiteState.prepareForEdits`).
    public func prepareForEdits() {
        buildLock.lock()
        defer { buildLock.unlock() }
        let start = Date()
        var state = lock.guarding { self.state }
        state.prepareForEdits(today: today())
        lock.guarding { self.state = state }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        log("[\(Self.clock.string(from: Date()))] Ready: each save rebuilds what changed (prepared in \(seconds) s)")
    }

    /// Prints a build's line and, after a failed build, its diagnostics.
    public func announce(_ report: BuildReport) {
        let time = Self.clock.string(from: Date())
        log("[\(time)] \(report.line)")
        // TRELLIS_TIMINGS=1 shows where a slow rebuild spends its time.
        if ProcessInfo.processInfo.environment["TRELLIS_TIMINGS"] == "1", let timings = report.outcome?.timings {
            log("  " + SiteState.Outcome.describe(timings))
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

    /// Stops watching, ends every page's event stream and saves the state for the next build.
    public func stop() {
        let continuations = lock.guarding { () -> [AsyncStream<String>.Continuation] in
            stopped = true
            let all = Array(subscribers.values)
            subscribers = [:]
            return all
        }
        for continuation in continuations { continuation.finish() }
        buildLock.lock()
        defer { buildLock.unlock() }
        if let cacheDirectory {
            var state = lock.guarding { self.state }
            try? SiteCache.save(&state, to: cacheDirectory)
        }
    }
}
