import ArgumentParser
import Foundation
import TrellisModel
import TrellisCurriculum
import TrellisTracker
import TrellisTrackerSQLite

/// Options every tracker command shares: which database, which curriculum, who is acting.
struct TrackerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The tracker database (default: $TRELLIS_DB, else ~/.local/share/trellis/tracker.sqlite)."))
    var db: String?

    @Option(name: .long, help: "The curriculum folder whose modules and competencies evidence refers to.")
    var curriculum: String = "Curriculum"

    @Option(name: .long, help: "Who is making this change (default: $TRELLIS_USER, else $USER).")
    var by: String?

    @Option(name: .long, help: ArgumentHelp("Treat this date (YYYY-MM-DD) as today.", visibility: .hidden))
    var today: String?

    var databasePath: String { db ?? TrackerDatabase.defaultPath() }

    func todayDate() throws -> CalendarDate {
        guard let today else { return .today() }
        guard let date = CalendarDate(today) else { throw ValidationError("--today must be a date written YYYY-MM-DD") }
        return date
    }

    /// Opens the database and loads the curriculum it is checked against. Commands that only
    /// read open it read-only, so they work on a read-only file or mount.
    func tracker(access: TrackerDatabase.Access = .readWrite) throws -> Tracker {
        let (curriculum, diagnostics) = CurriculumLoader(directory: self.curriculum).load()
        if curriculum.framework.competencies.isEmpty {
            Terminal.report(diagnostics.errors)
            throw TrackerFailure(TrackerError("cannot read the competency framework in \(self.curriculum)",
                                              remedy: "run from the folder that holds Curriculum/, or pass --curriculum; `trellis check` lists the problems"))
        }
        if diagnostics.hasErrors {
            Terminal.error("warning: the curriculum has errors (run `trellis check`); continuing with what could be read")
        }
        let database = try TrackerFailure.wrap { try TrackerDatabase.open(at: databasePath, access: access) }
        return Tracker(store: SQLiteTrackerStore(database), curriculum: curriculum, today: try todayDate(), actor: by ?? Tracker.defaultActor())
    }
}

/// A tracker error on its way to the terminal: printed as `error: …`, exit status 1.
struct TrackerFailure: Error, CustomStringConvertible {
    var error: TrackerError
    init(_ error: TrackerError) { self.error = error }
    var description: String { error.description }

    static func wrap<T>(_ work: () throws -> T) throws -> T {
        do { return try work() } catch let error as TrackerError { throw TrackerFailure(error) }
    }

    static func wrap<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as TrackerError { throw TrackerFailure(error) }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `30d`, `8w`, `2m` (30-day months) or a plain number of days.
struct DayCount: ExpressibleByArgument, CustomStringConvertible {
    var days: Int
    /// How `--help` shows a default: `30d`, as it is typed.
    var description: String { days % 7 == 0 && days > 0 ? "\(days / 7)w" : "\(days)d" }
    var defaultValueDescription: String { description }
    init?(argument: String) {
        var text = argument.lowercased()
        var unit = 1
        if let last = text.last, !last.isNumber {
            switch last {
            case "d": unit = 1
            case "w": unit = 7
            case "m": unit = 30
            default: return nil
            }
            text.removeLast()
        }
        guard let number = Int(text), number >= 0 else { return nil }
        days = number * unit
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
