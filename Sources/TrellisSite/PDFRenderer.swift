import Dispatch
import Foundation
import TrellisModel

/// Prints built pages to PDF handouts with headless Chromium (`--print-to-pdf`), which uses
/// the site's own print stylesheet, so a handout looks like the page printed from a browser.
///
/// Chromium is needed only for `trellis build --pdf`; the rest of Trellis never starts it.
public struct PDFRenderer: Sendable {
    /// One page to print.
    public struct Job: Sendable, Hashable {
        /// The built HTML file.
        public var page: String
        /// Where the PDF goes.
        public var pdf: String

        public init(page: String, pdf: String) {
            self.page = page
            self.pdf = pdf
        }
    }

    public enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
        case chromiumNotFound(searched: [String])
        case printFailed(page: String, status: Int32, output: String)
        case timedOut(page: String, seconds: Int)

        public var description: String {
            switch self {
            case .chromiumNotFound(let searched):
                return "--pdf needs headless Chromium, but none of \(searched.joined(separator: ", ")) is on the PATH"
                    + " — install it with `apt-get install chromium` (or set TRELLIS_CHROMIUM to its path), or build without --pdf"
            case .printFailed(let page, let status, let output):
                let detail = output.split(separator: "\n").suffix(5).joined(separator: "\n")
                return "Chromium could not print \(page) (exit status \(status))\(detail.isEmpty ? "" : ":\n\(detail)")"
                    + "\n— run the same build with --pdf again; if it keeps failing, check that `chromium --headless --version` works"
            case .timedOut(let page, let seconds):
                return "Chromium did not finish printing \(page) within \(seconds) s — check that `chromium --headless --version` works"
            }
        }
    }

    /// Names tried on the PATH, in order.
    public static let chromiumNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public var chromium: String
    /// How many Chromium processes print at once: each is a whole browser, and the
    /// project's machines have two cores.
    public var parallelism: Int
    public var timeoutSeconds: Int

    public init(chromium: String, parallelism: Int = 2, timeoutSeconds: Int = 180) {
        self.chromium = chromium
        self.parallelism = max(1, parallelism)
        self.timeoutSeconds = timeoutSeconds
    }

    /// Finds Chromium: `TRELLIS_CHROMIUM` if set, else the first of `chromiumNames` on `PATH`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RenderError) -> PDFRenderer {
        if let explicit = environment["TRELLIS_CHROMIUM"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw .chromiumNotFound(searched: [explicit]) }
            return PDFRenderer(chromium: explicit)
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in chromiumNames {
            for directory in directories where FileManager.default.isExecutableFile(atPath: join(directory, name)) {
                return PDFRenderer(chromium: join(directory, name))
            }
        }
        throw .chromiumNotFound(searched: chromiumNames)
    }

    /// The arguments after the executable for one job.
    ///
    /// `--no-sandbox` because builds run as root in CI, where Chromium's sandbox refuses to
    /// start; the pages are the site's own, never the web's. A profile folder per job lets two
    /// Chromiums run side by side, and background networking is off: a build stays offline.
    public func arguments(for job: Job, profile: String) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--user-data-dir=\(profile)", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            "--print-to-pdf=\(job.pdf)",
            URL(fileURLWithPath: job.page).absoluteString,
        ]
    }

    /// Prints every job, `parallelism` at a time; throws the first failure after all have run.
    public func render(_ jobs: [Job]) throws(RenderError) {
        for directory in Set(jobs.map { ($0.pdf as NSString).deletingLastPathComponent }) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let queue = JobQueue(jobs)
        let failures = FailureList()
        let renderer = self
        DispatchQueue.concurrentPerform(iterations: min(parallelism, jobs.count)) { _ in
            while let job = queue.next() {
                do throws(RenderError) { try renderer.render(job) } catch { failures.append(error) }
            }
        }
        if let first = failures.first { throw first }
    }

    private func render(_ job: Job) throws(RenderError) {
        let profile = NSTemporaryDirectory() + "trellis-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        try? FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        let log = profile + "/output.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = arguments(for: job, profile: profile)
        var environment = ProcessInfo.processInfo.environment
        if environment["HOME"] == nil { environment["HOME"] = profile }
        process.environment = environment
        // A file, not a pipe: Chromium can write more than a pipe holds before it exits.
        let output = FileHandle(forWritingAtPath: log)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw .printFailed(page: job.page, status: -1, output: error.localizedDescription)
        }
        if finished.wait(timeout: .now() + .seconds(timeoutSeconds)) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            throw .timedOut(page: job.page, seconds: timeoutSeconds)
        }
        process.waitUntilExit()
        try? output?.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: job.pdf)[.size] as? Int) ?? 0
        if process.terminationStatus != 0 || size == 0 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw .printFailed(page: job.page, status: process.terminationStatus, output: text)
        }
    }
}

/// Hands out jobs to the printing threads, one at a time.
private final class JobQueue: @unchecked Sendable {
    private var jobs: [PDFRenderer.Job]
    private let lock = NSLock()

    init(_ jobs: [PDFRenderer.Job]) { self.jobs = jobs.reversed() }

    func next() -> PDFRenderer.Job? {
        lock.lock()
        defer { lock.unlock() }
        return jobs.popLast()
    }
}

/// Failures collected from the printing threads, in the order they happened.
private final class FailureList: @unchecked Sendable {
    private var failures: [PDFRenderer.RenderError] = []
    private let lock = NSLock()

    func append(_ failure: PDFRenderer.RenderError) {
        lock.lock()
        failures.append(failure)
        lock.unlock()
    }

    var first: PDFRenderer.RenderError? {
        lock.lock()
        defer { lock.unlock() }
        return failures.first
    }
}
