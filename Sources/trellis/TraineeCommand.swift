import ArgumentParser
import Foundation
import TrellisModel
import TrellisTracker

struct TraineeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainee",
        abstract: "Add, edit, list and show trainees.",
        subcommands: [TraineeAdd.self, TraineeEdit.self, TraineeList.self, TraineeShow.self]
    )
}

/// The editable trainee fields as options.
struct TraineeFields: ParsableArguments {
    @Option(help: "Full name.") var name: String?
    @Option(help: "Email address (optional; used as the xAPI actor).") var email: String?
    @Option(help: "Cohort, e.g. 2026-spring.") var cohort: String?
    @Option(help: "Organization or site.") var site: String?
    @Option(help: "Supervisor's name.") var supervisor: String?
    @Option(name: .customLong("start"), help: "Start date, YYYY-MM-DD (default: today).") var start: String?
    @Option(help: "active, paused, completed or withdrawn.") var status: String?
    @Option(help: "Credential renewal rule id from credentials.yml.") var credential: String?
    @Option(help: "Completion set id from competencies.yml (`completion:`) the trainee is held to (default: the first).")
    var program: String?

    var changes: [(field: String, value: String?)] {
        [("name", name), ("email", email), ("cohort", cohort), ("site", site), ("supervisor", supervisor),
         ("start_date", start), ("status", status), ("credential", credential), ("program", program)].compactMap { field, value in
            value.map { (field, $0) }
        }
    }
}

struct TraineeAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a trainee.",
        discussion: "Example:\n  trellis trainee add dana-r --name \"Dana Rivera\" --cohort 2026-fall --site North --supervisor \"Sam Lee\" --start 2026-09-01")

    @OptionGroup var options: TrackerOptions
    @Argument(help: "A short id for the trainee, e.g. dana-r.") var id: String
    @OptionGroup var fields: TraineeFields

    func run() async throws {
        let tracker = try options.tracker()
        try await TrackerFailure.wrap {
            guard let name = fields.name else { throw TrackerError("--name is required", remedy: "give the trainee's name, e.g. --name \"Dana Rivera\"") }
            var trainee = Trainee(id: id, name: name, startDate: tracker.today)
            for (field, value) in fields.changes where field != "name" {
                try trainee.set(field, to: value)
            }
            try await tracker.addTrainee(trainee)
        }
        print("Added trainee \(id).")
    }
}

struct TraineeEdit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit", abstract: "Change a trainee's details (the old values are kept in their history).",
        discussion: "Pass an empty value to clear an optional field.\n\nExample:\n  trellis trainee edit dana-r --status paused --cohort 2027-spring")

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The trainee's id.") var id: String
    @OptionGroup var fields: TraineeFields

    func run() async throws {
        let tracker = try options.tracker()
        let trainee = try await TrackerFailure.wrap { try await tracker.editTrainee(id, changes: fields.changes) }
        print("Updated \(trainee.id): " + fields.changes.map { "\($0.field) = \($0.value ?? "")" }.joined(separator: ", "))
    }
}

struct TraineeList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List trainees, optionally filtered.",
        discussion: "Example:\n  trellis trainee list --cohort 2026-fall --status active")

    @OptionGroup var options: TrackerOptions
    @Option(help: "Only this cohort.") var cohort: String?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only this status.") var status: String?
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        let trainees = try await TrackerFailure.wrap { () -> [Trainee] in
            var filter = Tracker.TraineeFilter(cohort: cohort, site: site)
            if let status {
                guard let parsed = Trainee.Status(rawValue: status) else {
                    throw TrackerError.field("status", status, "is not a status", remedy: "use one of \(Trainee.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.status = parsed
            }
            return try await tracker.trainees(filter)
        }
        if format == .json { return try printJSON(trainees) }
        let table = TextTable(header: ["id", "name", "cohort", "site", "supervisor", "start_date", "status"],
                              rows: trainees.map { [$0.id, $0.name, $0.cohort ?? "", $0.site ?? "", $0.supervisor ?? "", $0.startDate.description, $0.status.rawValue] })
        print(format == .csv ? table.csv() : table.render(), terminator: "")
    }
}

struct TraineeShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a trainee's details and the history of changes to them.",
        discussion: "Example:\n  trellis trainee show dana-r")

    @OptionGroup var options: TrackerOptions
    @Argument(help: "The trainee's id.") var id: String

    func run() async throws {
        let tracker = try options.tracker(access: .readOnly)
        let (trainee, history, evidence) = try await TrackerFailure.wrap { (try await tracker.trainee(id), try await tracker.history(of: id), try await tracker.evidence(of: id)) }
        let fields: [(String, String?)] = [("id", trainee.id), ("name", trainee.name), ("email", trainee.email), ("cohort", trainee.cohort),
                                           ("site", trainee.site), ("supervisor", trainee.supervisor), ("start_date", trainee.startDate.description),
                                           ("status", trainee.status.rawValue), ("credential", trainee.credential),
                                           ("program", trainee.program)]
        for (field, value) in fields { print("\(field.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value ?? "—")") }
        let voids = evidence.filter { $0.kind == .void }.count
        let voided = evidence.filter { $0.kind != .void && $0.voidedBy != nil }.count
        let counting = evidence.count - voids - voided
        var summary = "\(evidence.count) record(s): \(counting) counting"
        if voided + voids > 0 { summary += ", \(voided) voided, \(voids) void(s) cancelling them" }
        print("evidence    \(summary) — see `trellis progress \(id)`")
        if !history.isEmpty {
            print("\nChanges:")
            for entry in history {
                print("  \(entry.changedAt) \(entry.changedBy): \(entry.field) \(entry.oldValue ?? "—") → \(entry.newValue ?? "—")")
            }
        }
    }
}

