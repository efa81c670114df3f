import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Each trainee is judged by the completion set they are held to: a peer specialist completes
/// without what only a supervisor needs, and a report counts each trainee against their own set.
@Suite struct CompletionSetTests {
    static let sets = """
        completion:
          - id: listener
            title: Listener track
            competencies: [listening-well]
          - id: full
            title: Full program
            competencies: all

        """

    /// A tracker on a copy of the fixture curriculum with two completion sets; Dana is held to
    /// `listener`, Lee to `full`.
    private func fixture(today: String = "2025-12-01") async throws -> TrackerFixture {
        let fixture = try await TrackerFixture(today: CalendarDate(today)!, addTrainees: false) { $0 + Self.sets }
        try await fixture.tracker.addTrainee(Trainee(id: "dana", name: "Dana Rivera", supervisor: "Sam Lee",
                                                     startDate: CalendarDate("2025-01-01")!, program: "listener"))
        try await fixture.tracker.addTrainee(Trainee(id: "lee", name: "Lee Kim", startDate: CalendarDate("2025-01-01")!, program: "full"))
        return fixture
    }

    /// What `recordCompetentListening` records for Dana, for any trainee.
    private func competentListening(_ fixture: TrackerFixture, _ trainee: String, on date: String = "2025-06-01") async throws {
        try await fixture.record(trainee, "module-completed", "welcome", date: date)
        try await fixture.record(trainee, "module-completed", "listening", date: date)
        try await fixture.record(trainee, "knowledge-check", "listening", date: date, score: "80")
        try await fixture.record(trainee, "observed-practice", "competency:listening-well", date: date, level: "competent", observer: "Ana")
        try await fixture.record(trainee, "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam Lee")
        try await fixture.record(trainee, "coaching-session", date: date, observer: "Ana", minutes: "30", competencies: "listening-well")
    }

    @Test func aTraineeCompletesTheSetTheyAreHeldTo() async throws {
        let fixture = try await fixture()
        try await competentListening(fixture, "dana")
        try await competentListening(fixture, "lee")

        // Dana's set needs listening-well and the two modules that build it, not planning.
        let certificate = try await fixture.tracker.certificate("dana")
        #expect(certificate.record.program == "listener" && certificate.record.programTitle == "Listener track")
        #expect(certificate.record.competencies.map(\.id) == ["listening-well"])
        #expect(certificate.record.completionLevel == "Competent")
        #expect(certificate.html().contains("on 2025-06-01, as Listener track: every competency it requires at Competent or higher."))

        // Lee did the same, but the full program also needs goal-setting and its module.
        let transcript = try await fixture.tracker.transcript("lee")
        #expect(transcript.modulesRequired == ["welcome", "listening", "planning"] && transcript.modulesRemaining == ["planning"])
        do {
            _ = try await fixture.tracker.certificate("lee")
            Issue.record("Lee has not completed the full program")
        } catch let error as TrackerError {
            #expect(error.message == "Lee Kim (lee) has not completed Full program: modules not completed: planning; "
                        + "1 competency is below Competent: goal-setting", "\(error.message)")
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM completion") == 1)
    }

    @Test func progressSaysWhichCompletionAppliesAndWhatIsLeft() async throws {
        let fixture = try await fixture()
        try await fixture.record("lee", "module-completed", "welcome", date: "2025-06-01")
        let text = TranscriptText.render(try await fixture.tracker.transcript("lee"), framework: fixture.tracker.curriculum.framework, explain: false)
        #expect(text.contains("Completion: Full program (full)\nRequired modules completed: 1 of 3 (remaining: listening, planning)\n"
                              + "Still needed for completion: modules not completed: listening, planning; 2 competencies are below Competent: listening-well, goal-setting\n"),
                "\(text)")
    }

    @Test func aProgramMustBeACompletionSetOfTheFramework() async throws {
        let fixture = try await fixture()
        await #expect(throws: TrackerError.field("program", "supervisors", "is not a completion set in competencies.yml",
                                                 remedy: "use one of listener, full")) {
            try await fixture.tracker.addTrainee(Trainee(id: "kai", name: "Kai", startDate: CalendarDate("2025-01-01")!, program: "supervisors"))
        }
        await #expect(throws: TrackerError.self) { try await fixture.tracker.editTrainee("dana", changes: [("program", "supervisors")]) }
        let edited = try await fixture.tracker.editTrainee("dana", changes: [("program", "full")])
        #expect(edited.program == "full")
        #expect(try await fixture.tracker.history(of: "dana").map { "\($0.field) \($0.oldValue ?? "") \($0.newValue ?? "")" } == ["program listener full"])

        try "id,name,start_date,program\nkai,Kai Moana,2025-02-01,full\nrae,Rae Ito,2025-02-01,supervisors\n"
            .write(toFile: fixture.scratch.path + "/t.csv", atomically: true, encoding: .utf8)
        do {
            _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/t.csv")
            Issue.record("an unknown program is refused")
        } catch let failure as ImportFailure {
            #expect(failure.report.problems.map(\.description)
                        == ["line 3: program `supervisors` is not a completion set in competencies.yml — use one of listener, full"])
        }
        #expect(try await fixture.tracker.trainees().map(\.id) == ["dana", "lee"], "nothing of the file is written")
    }

    @Test func reportsCountEachTraineeAgainstTheirOwnSet() async throws {
        let fixture = try await fixture()
        try await competentListening(fixture, "dana")
        let report = await ProgramReport(snapshot: try fixture.tracker.snapshot(), credentials: [], withinDays: 30)
        let dana = try #require(report.trainees.first { $0.id == "dana" })
        #expect(dana.program == "listener" && dana.modulesTotal == 2 && dana.competenciesTotal == 1 && dana.percentComplete == 100)
        let lee = try #require(report.trainees.first { $0.id == "lee" })
        #expect(lee.program == "full" && lee.modulesTotal == 3 && lee.competenciesTotal == 2 && lee.percentComplete == 0)
        // Of the trainees whose set requires it: only Lee's set requires goal-setting.
        #expect(report.competencies.map(\.percentAtTarget) == [50, 0])
    }

    /// A trainee whose set was taken out of the framework is reported, not silently judged by another.
    @Test func aProgramTheFrameworkNoLongerHasIsReportedNotGuessed() async throws {
        let fixture = try await fixture()
        let (plain, _) = CurriculumLoader(directory: Fixtures.valid).load()
        let tracker = Tracker(store: SQLiteTrackerStore(fixture.database), curriculum: plain, today: CalendarDate("2025-12-01")!, actor: "tester")
        let transcript = try await tracker.transcript("lee")
        #expect(transcript.target == nil && transcript.problem?.message == "program `full` is not a completion set in competencies.yml")
        let report = ProgramReport(snapshot: try await tracker.snapshot(), credentials: [], withinDays: 30)
        #expect(report.alerts.map { "\($0.traineeID) \($0.kind.rawValue) \($0.subject)" } == ["dana unknown-program listener", "lee unknown-program full"])
        #expect(report.trainees.allSatisfy { $0.percentComplete == 0 })
        await #expect(throws: TrackerError.self) { try await tracker.certificate("lee") }
        let findings = try await TrackerVerifier(tracker: tracker).verify()
        #expect(findings.contains { $0.hasPrefix("unknown program: trainee `lee` is held to completion set `full`, which competencies.yml does not define") },
                "\(findings)")
    }

    /// Records frozen before completion sets keep the words they were issued with.
    @Test func aRecordFrozenBeforeCompletionSetsReadsAsIssued() throws {
        let json = """
            {"traineeID":"dana","traineeName":"Dana Rivera","completedOn":"2025-07-04","curriculumTitle":"Fixture Training",
             "frameworkVersion":"2.0","completionLevel":"Competent","modulesCompleted":["welcome"],"competencies":[],
             "signatories":["Sam Lee"],"frozenAt":"2025-07-10T00:00:00Z","frozenBy":"tester"}
            """
        let record = try JSONDecoder().decode(CompletionRecord.self, from: Data(json.utf8))
        #expect(record.program == nil)
        let html = Certificate(record: record, current: "still complete", issuedOn: CalendarDate("2026-01-01")!).html()
        #expect(html.contains("on 2025-07-04, reaching Competent or higher in every competency."))
    }
}
