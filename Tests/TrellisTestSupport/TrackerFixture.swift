import Foundation
@testable import TrellisModel
@testable import TrellisCurriculum
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// A fresh tracker database on the fixture curriculum, with two trainees.
package struct TrackerFixture {
    package let scratch: ScratchDirectory
    package let tracker: Tracker
    /// The SQLite file behind `tracker`, for tests that reach past the store (damage, old schemas).
    package let database: TrackerDatabase
    package var databasePath: String { database.path }

    package init(scratch: ScratchDirectory, database: TrackerDatabase, curriculum: Curriculum, today: CalendarDate, actor: String = "tester") {
        self.scratch = scratch
        self.database = database
        self.tracker = Tracker(store: SQLiteTrackerStore(database), curriculum: curriculum, today: today, actor: actor)
    }

    /// - Parameter framework: changes the fixture's `competencies.yml` (in a copy) first.
    package init(today: CalendarDate = CalendarDate("2026-11-23")!, addTrainees: Bool = true,
                 framework: ((String) -> String)? = nil) async throws {
        scratch = try ScratchDirectory()
        var folder = Fixtures.valid
        if let framework {
            folder = try scratch.copyOfValidCurriculum()
            let path = folder + "/competencies.yml"
            try framework(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }
        let (curriculum, diagnostics) = CurriculumLoader(directory: folder).load()
        precondition(!diagnostics.hasErrors, "fixture curriculum must be valid: \(diagnostics)")
        database = try TrackerDatabase.create(at: scratch.path + "/tracker.sqlite")
        tracker = Tracker(store: SQLiteTrackerStore(database), curriculum: curriculum, today: today, actor: "tester")
        if addTrainees {
            try await tracker.addTrainee(Trainee(id: "dana", name: "Dana Rivera", email: "dana@example.org", cohort: "fall", site: "North",
                                           supervisor: "Sam Lee", startDate: CalendarDate("2025-01-01")!, credential: "yearly-10"))
            try await tracker.addTrainee(Trainee(id: "lee", name: "Lee Kim", cohort: "fall", site: "South", startDate: CalendarDate("2025-01-01")!))
        }
    }

    @discardableResult
    package func record(_ trainee: String = "dana", _ kind: String, _ about: String? = nil, date: String, score: String? = nil,
                level: String? = nil, observer: String? = nil, minutes: String? = nil, competencies: String? = nil,
                hours: String? = nil, topic: String? = nil, category: String? = nil, course: String? = nil) async throws -> EvidenceRecord {
        try await tracker.record(EvidenceInput(trainee: trainee, kind: kind, about: about, date: date, score: score, level: level,
                                         observer: observer, minutes: minutes, competencies: competencies, hours: hours,
                                         topic: topic, category: category, course: course))
    }

    /// Everything `listening-well` needs for Competent, on the given dates.
    package func recordCompetentListening(on date: String = "2025-06-01") async throws {
        try await record("dana", "module-completed", "welcome", date: date)
        try await record("dana", "module-completed", "listening", date: date)
        try await record("dana", "knowledge-check", "listening", date: date, score: "80")
        try await record("dana", "observed-practice", "competency:listening-well", date: date, level: "competent", observer: "Ana")
        try await record("dana", "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam Lee")
        try await record("dana", "coaching-session", date: date, observer: "Ana", minutes: "30", competencies: "listening-well")
    }

    package func progress(_ trainee: String = "dana", _ competency: String) async throws -> ProgressEngine.CompetencyProgress {
        try await tracker.transcript(trainee).entries.first { $0.competency.id == competency }!.progress
    }

    package func count(_ sql: String) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

