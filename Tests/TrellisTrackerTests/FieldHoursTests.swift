import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// Supervised field hours: a kind of evidence that `record`, import and every export know,
/// and a minimum that completion checks.
@Suite struct FieldHoursTests {
    static func input(_ trainee: String = "dana", date: String = "2025-03-01", hours: String? = "4", setting: String? = "Family Resource Center",
                      supervisor: String? = "Sam Lee", competencies: String? = nil) -> EvidenceInput {
        EvidenceInput(trainee: trainee, kind: "field-hours", date: date, observer: supervisor, competencies: competencies, hours: hours,
                      setting: setting)
    }

    @Test func fieldHoursNeedHoursASettingAndASupervisor() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2025-12-01")!)
        let record = try await fixture.tracker.record(Self.input(competencies: "listening-well"))
        #expect(record.kind == .fieldHours && record.hours == 4 && record.setting == "Family Resource Center" && record.observer == "Sam Lee")
        #expect(record.competencies == ["listening-well"])
        do {
            _ = try await fixture.tracker.record(Self.input(hours: "-2", setting: nil, supervisor: nil, competencies: "juggling"))
            Issue.record("an incomplete entry is refused")
        } catch let error as TrackerError {
            #expect(error.message.components(separatedBy: "; ") == [
                "hours `-2` is not a positive number of hours — write hours such as 1.5 (never negative)",
                "setting `` is required for field-hours — say where the hours were worked, e.g. \"Family Resource Center\"",
                "observer `` is required for field-hours — name the supervisor of the field work",
                "competencies `juggling` is not a competency in the framework — use ids from Curriculum/competencies.yml",
            ])
        }
        // A setting belongs to field hours only.
        await #expect(throws: TrackerError.field("setting", "Clinic", "does not apply to reflection", remedy: "leave it empty; it is used by field-hours")) {
            try await fixture.tracker.record(EvidenceInput(trainee: "dana", kind: "reflection", date: "2025-03-01", note: "n", setting: "Clinic"))
        }
    }

    @Test func fieldHoursImportAndExportAsEveryOtherKind() async throws {
        let source = try await TrackerFixture(today: CalendarDate("2025-12-01")!)
        _ = try await ImportIntegrityTests.importing(source, "f.csv", """
            trainee,kind,date,hours,setting,observer,competencies
            dana,field-hours,2025-03-01,4,Family Resource Center,Sam Lee,listening-well
            dana,field-hours,2025-03-08,3.5,Home visits,Sam Lee,

            """)
        // Importing the same file again adds nothing; an older file without `setting` still imports.
        let again = try await ImportIntegrityTests.importing(source, "f2.csv", "trainee,kind,date,hours,setting,observer\ndana,field-hours,2025-03-08,3.5,Home visits,Sam Lee\n")
        #expect(again.inserted == 0 && again.alreadyPresent == 1)
        let missing = try await ImportIntegrityTests.problems(source, "f3.csv", "trainee,kind,date,hours,observer\ndana,field-hours,2025-03-09,2,Sam Lee\n")
        #expect(missing == ["line 2: setting `` is required for field-hours — say where the hours were worked, e.g. \"Family Resource Center\""])

        let csv = await EvidenceCSV.render(try source.tracker.allEvidence())
        #expect(csv.hasPrefix("key,trainee,kind,about,date,score,level,observer,minutes,competencies,next_step,hours,topic,provider,category,course,note,voids,reason,setting,recorded_by,recorded_at"))
        #expect(csv.contains(",dana,field-hours,,2025-03-08,,,Sam Lee,,,,3.5,,,,,,,,Home visits,"), "\(csv)")
        let target = try await TrackerFixture(today: CalendarDate("2025-12-01")!)
        try target.scratch.write("export.csv", csv)
        _ = try await CSVImporter(tracker: target.tracker).importFile(target.scratch.path + "/export.csv")
        #expect(await EvidenceCSV.render(try target.tracker.allEvidence()) == csv, "export, import, export gives the same file")

        let export = try XAPIExport(base: "https://training.example.org/xapi", curriculum: source.tracker.curriculum)
        var data = Data()
        try await export.write(records: try source.tracker.allEvidence(), trainees: [:]) { data.append($0) }
        let statements = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let first = try #require(statements.first)
        #expect(((first["verb"] as? [String: Any])?["id"] as? String) == "https://training.example.org/xapi/verbs/practised-in-the-field")
        #expect(((first["object"] as? [String: Any])?["id"] as? String) == "https://training.example.org/xapi/field-hours")
        #expect(((first["result"] as? [String: Any])?["duration"] as? String) == "PT4H")
        let context = try #require(first["context"] as? [String: Any])
        #expect((context["extensions"] as? [String: Any])?["https://training.example.org/xapi/extensions/setting"] as? String == "Family Resource Center")
        #expect(((context["instructor"] as? [String: Any])?["name"] as? String) == "Sam Lee")
        #expect(((context["contextActivities"] as? [String: Any])?["other"] as? [[String: Any]])?.first?["id"] as? String
                == "https://training.example.org/xapi/competencies/listening-well")
    }

    /// `field_hours_min` in a completion set: met, unmet, and shown in progress and reports.
    @Test func completionNeedsTheFieldHoursItsSetRequires() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2025-12-01")!) {
            $0 + "completion:\n  - id: program\n    title: The program\n    competencies: [listening-well]\n    field_hours_min: 10\n"
        }
        try await fixture.recordCompetentListening(on: "2025-06-01")
        _ = try await fixture.tracker.record(Self.input(date: "2025-06-02", hours: "6"))
        do {
            _ = try await fixture.tracker.certificate("dana")
            Issue.record("6 of 10 field hours is not complete")
        } catch let error as TrackerError {
            #expect(error.message == "Dana Rivera (dana) has not completed The program: field hours: 6 of 10", "\(error.message)")
        }
        var report = ProgramReport(snapshot: try await fixture.tracker.snapshot(), credentials: [], withinDays: 30)
        var dana = try #require(report.trainees.first { $0.id == "dana" })
        #expect(dana.fieldHours == 6 && dana.fieldHoursRequired == 10 && dana.percentComplete == 75, "2 modules and 1 competency of 4 units")
        let dashboard = Dashboard.html(report: report, snapshot: try await fixture.tracker.snapshot())
        #expect(dashboard.contains("<td>75%</td><td>6 of 10</td>"), "the dashboard shows field hours against the minimum")
        let text = TranscriptText.render(try await fixture.tracker.transcript("dana"), framework: fixture.tracker.curriculum.framework, explain: false)
        #expect(text.contains("\nField hours: 6 of 10 required\n"), "\(text)")

        _ = try await fixture.tracker.record(Self.input(date: "2025-06-20", hours: "4.5", setting: "Parent group"))
        let certificate = try await fixture.tracker.certificate("dana")
        #expect(certificate.completedOn == CalendarDate("2025-06-20"), "complete on the day the hours were reached")
        report = ProgramReport(snapshot: try await fixture.tracker.snapshot(), credentials: [], withinDays: 30)
        dana = try #require(report.trainees.first { $0.id == "dana" })
        #expect(dana.fieldHours == 10.5 && dana.percentComplete == 100)
    }
}
