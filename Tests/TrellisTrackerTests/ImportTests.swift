import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker

@Suite struct CSVTableTests {
    @Test func readsBOMCRLFAndQuotedFields() throws {
        let text = "\u{FEFF}id,name,note\r\n1,\"Rivera, Dana\",\"said \"\"hi\"\"\r\nand left\"\r\n2,Lee,\r\n\r\n"
        let table = try CSVTable.parse(Data(text.utf8))
        #expect(table.header == ["id", "name", "note"])
        #expect(table.records.map(\.line) == [2, 4])
        #expect(table.records[0].fields == ["1", "Rivera, Dana", "said \"hi\"\nand left"])
        #expect(table.records[1].fields == ["2", "Lee", ""])
    }

    @Test func reportsTheLineOfBrokenQuoting() {
        #expect(throws: TrackerError("a quoted field is never closed", remedy: "add the closing quote", line: 3)) {
            try CSVTable.parse(Data("a,b\n1,2\n3,\"open\n".utf8))
        }
        #expect(throws: TrackerError.self) { try CSVTable.parse(Data("a,b\n1,x\"y\n".utf8)) }
        #expect(throws: TrackerError.self) { try CSVTable.parse(Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A])) }
    }
}

@Suite struct CSVImporterTests {
    let header = "trainee,kind,about,date,score,level,observer,hours,topic,category\n"

    @Test func invalidRowsAreAllReportedAndNothingIsWritten() async throws {
        let fixture = try await TrackerFixture()
        try fixture.scratch.write("e.csv", header + """
            dana,module-completed,welcome,2026-01-05,,,,,,
            ghost,module-completed,welcome,2026-01-05,,,,,,
            dana,knowledge-check,welcome,2026-01-05,120,,,,,
            dana,observed-practice,welcome,2026-01-05,,expert,Ana,,,
            dana,continuing-education,,2026-01-05,,,,-1,x,
            """)
        do {
            _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
            Issue.record("an import with bad rows must fail")
        } catch let failure as ImportFailure {
            #expect(failure.report.problems.map { $0.located(in: "e.csv") } == [
                "e.csv:3: trainee `ghost` is not on record — add them first with `trellis trainee add` or import trainees.csv",
                "e.csv:4: score `120` is out of range: a score is from 0 to 100 — write the percentage, e.g. 85",
                "e.csv:5: level `expert` is not on the proficiency scale — use one of aware, competent",
                "e.csv:6: hours `-1` is not a positive number of hours — write hours such as 1.5 (never negative)",
            ])
        }
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 0)
        let partial = try await CSVImporter(tracker: fixture.tracker, skipInvalid: true).importFile(fixture.scratch.path + "/e.csv")
        #expect(partial.inserted == 1 && partial.problems.count == 4)
    }

    @Test func reimportingAddsNothingTwice() async throws {
        let fixture = try await TrackerFixture()
        try fixture.scratch.write("e.csv", header + """
            dana,module-completed,welcome,2026-01-05,,,,,,
            dana,knowledge-check,welcome,2026-01-06,80,,,,,
            lee,continuing-education,,2026-02-01,,,,2,Ethics,ethics
            """)
        let first = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
        #expect(first.inserted == 3 && first.alreadyPresent == 0)
        let second = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv")
        #expect(second.inserted == 0 && second.alreadyPresent == 3)
        #expect(try fixture.count("SELECT COUNT(*) FROM evidence") == 3)
        // A `key` column identifies rows explicitly.
        try fixture.scratch.write("k.csv", "key,trainee,kind,about,date\nrow-1,dana,module-completed,listening,2026-01-07\n")
        _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/k.csv")
        await #expect(try CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/k.csv").alreadyPresent == 1)
    }

    @Test func traineesImportIdempotentlyAndConflictsAreReported() async throws {
        let fixture = try await TrackerFixture(addTrainees: false)
        let csv = "id,name,email,cohort,site,supervisor,start_date,status,credential\r\n" +
            "ana,Ana Ortiz,ana@example.org,fall,North,Sam Lee,2026-09-01,active,yearly-10\r\n" +
            "ben,\"Ben, Jr.\",,fall,South,,2026-09-01,,\r\n"
        try fixture.scratch.write("t.csv", "\u{FEFF}" + csv)
        await #expect(try CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/t.csv").inserted == 2)
        await #expect(try CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/t.csv").alreadyPresent == 2)
        await #expect(try fixture.tracker.trainee("ben").name == "Ben, Jr.")
        try fixture.scratch.write("t2.csv", "id,name,start_date,status\nana,Ana Other,2026-09-01,active\ncara,Cara,2026-02-30,active\ndee,Dee,2026-09-01,asleep\n")
        do {
            _ = try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/t2.csv")
            Issue.record("conflicting rows must fail")
        } catch let failure as ImportFailure {
            #expect(failure.report.problems.map(\.line) == [2, 3, 4])
            #expect(failure.report.problems[0].message == "trainee `ana` already exists with different details")
        }
        await #expect(try fixture.tracker.trainees().count == 2)
    }

    @Test func unknownColumnsAreRejectedBeforeAnyRow() async throws {
        let fixture = try await TrackerFixture()
        try fixture.scratch.write("e.csv", "trainee,kind,about,date,mood\ndana,module-completed,welcome,2026-01-05,happy\n")
        await #expect(throws: ImportFailure.self) { try await CSVImporter(tracker: fixture.tracker).importFile(fixture.scratch.path + "/e.csv") }
    }
}
