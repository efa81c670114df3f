import Foundation
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// A fresh tracker database on the fixture curriculum, with two trainees.
struct TrackerFixture {
    let scratch: ScratchDirectory
    let tracker: Tracker
    /// The SQLite file behind `tracker`, for tests that reach past the store (damage, old schemas).
    let database: TrackerDatabase
    var databasePath: String { database.path }

    init(scratch: ScratchDirectory, database: TrackerDatabase, curriculum: Curriculum, today: CalendarDate, actor: String = "tester") {
        self.scratch = scratch
        self.database = database
        self.tracker = Tracker(store: SQLiteTrackerStore(database), curriculum: curriculum, today: today, actor: actor)
    }

    init(today: CalendarDate = CalendarDate("2026-11-23")!, addTrainees: Bool = true) async throws {
        scratch = try ScratchDirectory()
        let (curriculum, diagnostics) = CurriculumLoader(directory: Fixtures.valid).load()
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
    func record(_ trainee: String = "dana", _ kind: String, _ about: String? = nil, date: String, score: String? = nil,
                level: String? = nil, observer: String? = nil, minutes: String? = nil, competencies: String? = nil,
                hours: String? = nil, topic: String? = nil, category: String? = nil, course: String? = nil) async throws -> EvidenceRecord {
        try await tracker.record(EvidenceInput(trainee: trainee, kind: kind, about: about, date: date, score: score, level: level,
                                         observer: observer, minutes: minutes, competencies: competencies, hours: hours,
                                         topic: topic, category: category, course: course))
    }

    /// Everything `listening-well` needs for Competent, on the given dates.
    func recordCompetentListening(on date: String = "2025-06-01") async throws {
        try await record("dana", "module-completed", "welcome", date: date)
        try await record("dana", "module-completed", "listening", date: date)
        try await record("dana", "knowledge-check", "listening", date: date, score: "80")
        try await record("dana", "observed-practice", "competency:listening-well", date: date, level: "competent", observer: "Ana")
        try await record("dana", "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam Lee")
        try await record("dana", "coaching-session", date: date, observer: "Ana", minutes: "30", competencies: "listening-well")
    }

    func progress(_ trainee: String = "dana", _ competency: String) async throws -> ProgressEngine.CompetencyProgress {
        try await tracker.transcript(trainee).entries.first { $0.competency.id == competency }!.progress
    }

    func count(_ sql: String) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

/// The built `trellis` executable (from this package's build folder).
func trellisBinary() throws -> String {
    // The trellis built beside this test bundle first (so `swift test --scratch-path X` tests
    // X's build, not another one), then the default build folder.
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("trellis").path
    let candidates = [besideTests] + [".build/debug/trellis", ".build/x86_64-unknown-linux-gnu/debug/trellis", ".build/aarch64-unknown-linux-gnu/debug/trellis"]
        .map { Fixtures.packageRoot + "/" + $0 }
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TrackerError("the trellis executable is not built", remedy: "run `swift build` before `swift test`")
    }
    return binary
}

func runTrellis(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, error: String, signal: Bool) {
    let binary = try trellisBinary()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.packageRoot)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self),
            process.terminationReason == .uncaughtSignal)
}
