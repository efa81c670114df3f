import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker

struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record evidence for one trainee.",
        discussion: """
        KIND is one of: module-completed, knowledge-check, observed-practice, coaching-session,
        supervisor-signoff, reflection, continuing-education, field-hours. ABOUT names a module or competency
        (`module:engage`, `competency:role-clarity`, or a bare id when it is only one of them).
        Prints the new record's id. Evidence is never edited: use `trellis void` to cancel a mistake.

        Examples:
          trellis record dana-r module-completed engage --date 2026-10-02
          trellis record dana-r knowledge-check engage --score 85
          trellis record dana-r observed-practice competency:mutual-relationship --level competent --observer "Ana Ortiz"
          trellis record dana-r coaching-session --minutes 45 --observer "Ana Ortiz" --competencies role-clarity,professional-boundaries --next-step "Practise declining a ride"
          trellis record dana-r supervisor-signoff competency:role-clarity --observer "Sam Lee"
          trellis record dana-r continuing-education --hours 3 --topic "Ethics in peer work" --provider "State PSA" --category ethics
          trellis record dana-r field-hours --hours 4 --setting "Family Resource Center" --observer "Sam Lee" --competencies mutual-relationship
        """
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The trainee's id.") var trainee: String
    @Argument(help: "The kind of evidence.") var kind: String
    @Argument(help: "The module or competency it is about (optional for coaching, reflection, continuing education).") var about: String?

    @Option(help: "When it happened, YYYY-MM-DD (default: today).") var date: String?
    // `.unconditional` here and below: `--score -5` is a wrong value to report, not a flag.
    @Option(parsing: .unconditional, help: "Knowledge-check score, 0–100.") var score: String?
    @Option(help: "Observed-practice level on the framework's scale.") var level: String?
    @Option(help: "Observer, coach, signing supervisor, or the supervisor of field hours.") var observer: String?
    @Option(parsing: .unconditional, help: "Coaching session length in minutes.") var minutes: String?
    @Option(help: "Competencies worked on in a coaching session or practised in field hours, comma-separated.") var competencies: String?
    @Option(help: "The next step agreed in a coaching session.") var nextStep: String?
    @Option(parsing: .unconditional, help: "Hours of continuing education or of field work.") var hours: String?
    @Option(help: "Continuing-education course or topic.") var topic: String?
    @Option(help: "Continuing-education provider.") var provider: String?
    @Option(help: "Continuing-education category, e.g. ethics or supervision.") var category: String?
    @Option(help: "Course identifier, so the same course is not counted twice in a period.") var course: String?
    @Option(help: "Where field hours were worked, e.g. \"Family Resource Center, North\".") var setting: String?
    @Option(help: "A note.") var note: String?

    func run() async throws {
        let tracker = try options.tracker()
        let input = EvidenceInput(trainee: trainee, kind: kind, about: about, date: date, score: score, level: level,
                                  observer: observer, minutes: minutes, competencies: competencies, nextStep: nextStep,
                                  hours: hours, topic: topic, provider: provider, category: category, course: course, note: note,
                                  setting: setting)
        let record = try await TrackerFailure.wrap { try await tracker.record(input) }
        print("Recorded \(record.kind.name) for \(record.traineeID) on \(record.date): \(record.id)")
    }
}

struct VoidEvidence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Cancel an evidence record (it stays on file, marked void, with your reason).",
        discussion: "A void cannot itself be voided; record the evidence again instead.\n\nExample:\n  trellis void 3f2a9c1e-… --reason \"recorded for the wrong trainee\""
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The id of the record to cancel.") var evidenceID: String
    @Option(help: "Why it is cancelled.") var reason: String

    func run() async throws {
        let tracker = try options.tracker()
        let record = try await TrackerFailure.wrap { try await tracker.void(evidenceID, reason: reason) }
        print("Voided \(evidenceID) (void record \(record.id)).")
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import trainees or evidence from a CSV file.",
        discussion: """
        The kind of file is read from its header:
          trainees.csv: \(CSVImporter.traineeColumns.joined(separator: ","))
          evidence.csv: \(CSVImporter.evidenceColumns.joined(separator: ","))
        UTF-8 with or without a byte-order mark, CRLF or LF, quoted fields. The whole file is \
        checked first; every bad row is reported by line and nothing is written unless the file is \
        clean (or --skip-invalid is given). Importing the same file again adds nothing: rows are \
        matched by their `key` column, or by their values when there is none (column order and \
        the spelling of numbers do not matter). A known key with different values is a conflict: \
        to correct a record, void it and import the correction under a new key.

        A `void` row cancels the record its `voids` column names (a key of the same file, a key \
        imported before, or a record id), with a `reason`. You are recorded as the writer of \
        every row; the file's `recorded_by` and `recorded_at` are kept as provenance. Cells \
        that `trellis export` wrote with a leading ' (against spreadsheet formulas) are read \
        back without it. `trellis export --format csv` writes this format.

        Examples:
          trellis import trainees.csv
          trellis import evidence.csv --skip-invalid
        """
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Write the valid rows and report the others.") var skipInvalid = false

    func run() async throws {
        let tracker = try options.tracker()
        do {
            let report = try await TrackerFailure.wrap { try await CSVImporter(tracker: tracker, skipInvalid: skipInvalid).importFile(file) }
            for problem in report.problems { Terminal.error(problem.located(in: file)) }
            var summary = "Imported \(report.inserted) \(report.kind.rawValue) row(s) from \(file)"
            if report.alreadyPresent > 0 { summary += "; \(report.alreadyPresent) already present" }
            if !report.problems.isEmpty { summary += "; skipped \(Set(report.problems.compactMap(\.line)).count) invalid row(s)" }
            print(summary + ".")
        } catch let failure as ImportFailure {
            for problem in failure.report.problems { Terminal.error(problem.located(in: file)) }
            let lines = Set(failure.report.problems.compactMap(\.line)).count
            Terminal.error("Nothing was imported: \(lines) row(s) have problems. Fix them, or use --skip-invalid to import the valid rows.")
            throw ExitCode(1)
        }
    }
}

struct Progress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Show a trainee's transcript: every competency's level, its evidence, what is missing, when it lapses.",
        discussion: """
        Levels are derived from evidence by the rules in competencies.yml (`progression`); \
        --explain shows each rule and the evidence that met it. Without TRAINEE, lists every \
        trainee's overall progress.

        Examples:
          trellis progress dana-r
          trellis progress dana-r --explain
          trellis progress --format csv
        """
    )

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The trainee's id.") var trainee: String?
    @Flag(help: "Show which rule and which evidence produced each level.") var explain = false
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        guard let trainee else {
            let report = try await TrackerFailure.wrap { ProgramReport(snapshot: try await tracker.snapshot(), credentials: tracker.curriculum.credentials, withinDays: 30) }
            return try ReportOutput.trainees(report, format: format)
        }
        let transcript = try await TrackerFailure.wrap { try await tracker.transcript(trainee) }
        switch format {
        case .json: try printJSON(TranscriptJSON(transcript))
        case .csv:
            let rows = transcript.entries.map { entry in
                [entry.competency.id, entry.progress.level ?? "", entry.progress.earnedLevel ?? "", entry.progress.earnedOn?.description ?? "",
                 entry.progress.lapsed ? "yes" : "no", entry.progress.lapsesOn?.description ?? "", entry.progress.nextLevel ?? "",
                 entry.progress.missing.joined(separator: "; ")]
            }
            print(TextTable(header: ["competency", "level", "earned_level", "earned_on", "lapsed", "lapses_on", "next_level", "missing"], rows: rows).csv(), terminator: "")
        case .table:
            print(TranscriptText.render(transcript, framework: tracker.curriculum.framework, explain: explain), terminator: "")
        }
    }
}

/// The JSON shape of a transcript.
struct TranscriptJSON: Encodable {
    var trainee: Trainee
    var asOf: CalendarDate
    var modulesCompleted: [String]
    var modulesRemaining: [String]
    var competencies: [ProgressEngine.CompetencyProgress]
    var evidence: [EvidenceRecord]

    init(_ transcript: Transcript) {
        trainee = transcript.trainee
        asOf = transcript.today
        modulesCompleted = transcript.modulesCompleted
        modulesRemaining = transcript.modulesRemaining
        competencies = transcript.entries.map(\.progress)
        evidence = transcript.records
    }
}
