import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker

/// Renders report sections in the chosen format.
enum ReportOutput {
    static func trainees(_ report: ProgramReport, format: OutputFormat) throws {
        if format == .json { return try printJSON(report.trainees) }
        let table = report.traineeTable
        print(format == .csv ? table.csv() : table.render(), terminator: "")
    }
}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Cohort and program views for coordinators.",
        discussion: """
        Completion per trainee and per competency, who is overdue or lapsing within N days, and \
        continuing-education hours per year — as a terminal table, CSV or JSON. --html DIR writes a \
        private dashboard (readable by you only; never inside the public site).

        Examples:
          trellis report
          trellis report --cohort 2026-fall --within 60d
          trellis report --format json > report.json
          trellis report --html ~/trellis-dashboard
        """
    )

    @OptionGroup var options: TrackerOptions
    @Option(help: "Only this cohort.") var cohort: String?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Report lapses and credential deadlines within this many days (e.g. 30d, 8w).") var within: DayCount = DayCount(argument: "30d")!
    @Option(help: "table, csv or json.") var format: OutputFormat = .table
    @Option(help: "Also write a private HTML dashboard into this folder.") var html: String?
    @Option(help: ArgumentHelp("The public site folder, which the dashboard must stay out of.", visibility: .hidden)) var siteOutput: String = "_site"

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        try await TrackerFailure.wrap { try await tracker.checkCohort(cohort) }
        let snapshot = try await TrackerFailure.wrap { try await tracker.snapshot(Tracker.TraineeFilter(cohort: cohort, site: site)) }
        let report = ProgramReport(snapshot: snapshot, credentials: tracker.curriculum.credentials, withinDays: within.days)
        if let html {
            try TrackerFailure.wrap { try Dashboard.write(report: report, snapshot: snapshot, to: html, siteOutput: siteOutput) }
            Terminal.error("Wrote the private dashboard to \(html)/index.html (readable by you only).")
        }
        switch format {
        case .json:
            try printJSON(report)
        case .csv:
            try ReportOutput.trainees(report, format: .csv)
        case .table:
            print("Trainees (\(report.trainees.count)), completion = the modules and competencies of each trainee's completion set (program)")
            try ReportOutput.trainees(report, format: .table)
            print("\nCompetencies")
            let scale = report.scale
            print(TextTable(header: ["competency"] + scale + ["none", "at_target"], rows: report.competencies.map { line in
                [line.id] + scale.map { String(line.levels[$0] ?? 0) } + [String(line.none), "\(line.percentAtTarget)%"]
            }).render(), terminator: "")
            print("\nCohorts")
            print(TextTable(header: ["cohort", "trainees", "complete", "average"], rows: report.cohorts.map {
                [$0.cohort, String($0.trainees), String($0.completed), "\($0.percentComplete)%"]
            }).render(), terminator: "")
            print("\nOverdue or lapsing within \(report.withinDays) days")
            if report.alerts.isEmpty { print("(none)") } else {
                print(TextTable(header: ["date", "trainee", "what", "about", "detail"], rows: report.alerts.map {
                    [$0.date.description, $0.traineeID, $0.kind.rawValue, $0.subject, $0.detail]
                }).render(), terminator: "")
            }
            print("\nContinuing-education hours per year")
            print(TextTable(header: ["year", "hours", "trainees"], rows: report.educationHoursByYear.map {
                [String($0.year), HoursText.format($0.hours), String($0.trainees)]
            }).render(), terminator: "")
        }
    }
}

struct Coaching: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coaching",
        abstract: "Coaching sessions per trainee and coach, and trainees with no recent coaching.",
        discussion: "Examples:\n  trellis coaching\n  trellis coaching --since 2026-09-01 --gap 4w --cohort 2026-fall"
    )

    @OptionGroup var options: TrackerOptions
    @Option(help: "Start of the period, YYYY-MM-DD (default: 90 days ago).") var since: String?
    @Option(help: "End of the period, YYYY-MM-DD (default: today).") var until: String?
    @Option(help: "Flag active trainees with no coaching for this long (e.g. 4w, 30d).") var gap: DayCount = DayCount(argument: "4w")!
    @Option(help: "Only this cohort.") var cohort: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        func date(_ text: String?, _ fallback: CalendarDate) throws -> CalendarDate {
            guard let text else { return fallback }
            guard let date = CalendarDate(text) else { throw ValidationError("dates are written YYYY-MM-DD, not \(text)") }
            return date
        }
        let from = try date(since, tracker.today.adding(days: -90)), to = try date(until, tracker.today)
        let report = try await TrackerFailure.wrap {
            try await tracker.checkCohort(cohort)
            return try await tracker.coachingReport(from: from, to: to, gapWeeks: max(1, gap.days / 7), filter: Tracker.TraineeFilter(cohort: cohort))
        }
        if format == .json { return try printJSON(report) }
        let sessions = TextTable(header: ["date", "trainee", "coach", "minutes", "competencies", "next_step"], rows: report.sessions.map {
            [$0.date.description, $0.traineeID, $0.coach, String($0.minutes), $0.competencies.joined(separator: " "), $0.nextStep ?? ""]
        })
        if format == .csv { return print(sessions.csv(), terminator: "") }
        print("Coaching sessions \(from) to \(to): \(report.sessions.count)")
        print(sessions.render(), terminator: "")
        print("\nMinutes per coach")
        print(TextTable(header: ["coach", "minutes"], rows: report.minutesByCoach.keys.sorted().map { [$0, String(report.minutesByCoach[$0]!)] }).render(), terminator: "")
        print("\nActive trainees with no coaching in the last \(report.gapWeeks) week(s): \(report.gaps.count)")
        if !report.gaps.isEmpty {
            print(TextTable(header: ["trainee", "name", "last_coaching", "days_since"], rows: report.gaps.map {
                [$0.traineeID, $0.name, $0.lastCoaching?.description ?? "never", $0.daysSince.map(String.init) ?? ""]
            }).render(), terminator: "")
        }
    }
}

struct Due: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Trainees short of continuing-education hours before their credential deadline.",
        discussion: "Rules come from credentials.yml beside the framework.\n\nExample:\n  trellis due --within 60d"
    )

    @OptionGroup var options: TrackerOptions
    @Option(help: "Deadlines within this many days (e.g. 60d, 8w).") var within: DayCount = DayCount(argument: "60d")!
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        let ledgers = try await TrackerFailure.wrap { try await tracker.credentialsDue(within: within.days) }
        if format == .json { return try printJSON(ledgers) }
        let table = TextTable(header: ["trainee", "credential", "deadline", "days_left", "hours", "required", "short_by_category"], rows: ledgers.map { ledger in
            [ledger.traineeID, ledger.credentialID, ledger.deadline.description, String(ledger.deadline.dayNumber - tracker.today.dayNumber),
             HoursText.format(ledger.countedHours), HoursText.format(ledger.requiredHours),
             ledger.categories.filter { $0.short > 0 }.map { "\($0.category) \(HoursText.format($0.short))" }.joined(separator: "; ")]
        })
        if format == .csv { return print(table.csv(), terminator: "") }
        print("Short of hours with a deadline within \(within.days) days: \(ledgers.count)")
        if !ledgers.isEmpty { print(table.render(), terminator: "") }
    }
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Write a printable completion record (HTML) for a trainee who completed the program.",
        discussion: "The record is frozen the first time the trainee is found complete, as of the day they completed (even if a competency has lapsed since), and is reproduced unchanged afterwards; the page says separately what is current. Refuses, with the reasons, when the trainee has never completed.\n\nExample:\n  trellis certificate dana-r --output ~/records/dana-r.html"
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The trainee's id.") var trainee: String
    @Option(help: "Where to write the HTML (default: <trainee>-completion.html).") var output: String?

    func run() async throws {
        // It writes: the first time a completion is found, it is frozen (`CompletionRecord`).
        let tracker = try options.tracker()
        let path = output ?? "\(trainee)-completion.html"
        let certificate = try await TrackerFailure.wrap {
            let certificate = try await tracker.certificate(trainee)
            try PrivateFile.write(Data(certificate.html().utf8), to: path)
            return certificate
        }
        print("Wrote the completion record to \(path) (readable by you only): completed \(certificate.completedOn); now \(certificate.current).")
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export all evidence as CSV, JSON or xAPI 1.0.3 statements.",
        discussion: """
        xAPI: the actor is the trainee's email (mbox) or an account under --base; verbs are ADL \
        verbs where one fits; modules and competencies are activities under --base; voided records \
        are `voided` statements.

        Examples:
          trellis export --format xapi --base https://training.example.org/xapi --output statements.json
          trellis export --format csv --output evidence.csv
          trellis export --format xapi --base https://training.example.org/xapi --since 2026-09-01

        CSV is the import format (`trellis import` reads it back); cells that a spreadsheet would \
        run as a formula are written with a leading ' and read back without it.
        """
    )

    enum Format: String, ExpressibleByArgument { case csv, json, xapi }

    @OptionGroup var options: TrackerOptions
    @Option(help: "csv, json or xapi.") var format: Format
    @Option(help: "Base IRI for xAPI activities and custom verbs.") var base: String = "https://trellis.invalid/xapi"
    @Option(help: "Write to this file (readable by you only) instead of standard output.") var output: String?
    @Option(help: "Only evidence that happened on or after this date (YYYY-MM-DD).") var since: String?

    func run() async throws {
        let since = try self.since.map { text in
            guard let date = CalendarDate(text) else { throw ValidationError("--since must be a date written YYYY-MM-DD") }
            return date
        }
        let tracker = try options.tracker(access: .readOnly)
        // The base IRI is checked before anything is read.
        let xapi = format == .xapi ? try TrackerFailure.wrap { try XAPIExport(base: base, curriculum: tracker.curriculum) } : nil
        let (records, trainees) = try await TrackerFailure.wrap { try await tracker.exportable(since: since) }
        // Written in pieces as they are encoded: a million statements are about 2 GB of text.
        func produce(_ write: (Data) throws -> Void) throws {
            if let xapi { return try xapi.write(records: records, trainees: trainees, to: write) }
            if format == .json { return try EvidenceJSON.write(records, to: write) }
            try write(Data(EvidenceCSV.render(records).utf8))
        }
        if let output {
            try TrackerFailure.wrap { try PrivateFile.write(to: output, produce) }
            Terminal.error("Wrote \(output) (readable by you only).")
        } else {
            try TrackerFailure.wrap { try produce { FileHandle.standardOutput.write($0) } }
            if format != .csv { print() }
        }
    }
}
