import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// The report's fast paths must agree with the slow, obvious ones: progress derived from the
/// fact digests (`FactDigest`) with transcripts derived from the evidence rows (both through
/// the one `ProgressEngine`), and the hand-written report JSON with `JSONEncoder`.
@Suite(.serialized) struct ProgressCellTests {
    private func encoderJSON(_ report: ProgramReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(report))
    }

    @Test func cellsAgreeWithTranscriptsOnRandomEvidence() async throws {
        var generator = SplitMix(seed: 7)
        let fixture = try await TrackerFixture(today: CalendarDate("2026-11-23")!)
        let subjects = ["welcome", "listening", "planning", "competency:listening-well", "competency:goal-setting"]
        var recorded: [EvidenceRecord] = []
        for _ in 0..<160 {
            let trainee = generator.next() % 2 == 0 ? "dana" : "lee"
            let date = CalendarDate("2025-01-01")!.adding(days: Int(generator.next() % 690)).description
            let about = subjects[Int(generator.next() % UInt64(subjects.count))]
            switch generator.next() % 8 {
            case 0: await recorded.append(try fixture.record(trainee, "module-completed", ["welcome", "listening", "planning"][Int(generator.next() % 3)], date: date))
            case 1: await recorded.append(try fixture.record(trainee, "knowledge-check", about, date: date, score: String(50 + generator.next() % 50)))
            case 2: await recorded.append(try fixture.record(trainee, "observed-practice", about, date: date,
                                                       level: generator.next() % 2 == 0 ? "aware" : "competent", observer: "Ana"))
            case 3: await recorded.append(try fixture.record(trainee, "supervisor-signoff", about, date: date, observer: "Sam"))
            case 4: await recorded.append(try fixture.record(trainee, "coaching-session", generator.next() % 3 == 0 ? about : nil, date: date,
                                                       observer: "Ana", minutes: "30",
                                                       competencies: ["listening-well", "goal-setting", "listening-well,goal-setting"][Int(generator.next() % 3)]))
            case 5: await recorded.append(try fixture.record(trainee, "continuing-education", generator.next() % 2 == 0 ? nil : about, date: date,
                                                       hours: "2", topic: "Refresher", category: "ethics"))
            case 6: await recorded.append(try fixture.record(trainee, "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam"))
            default:
                if let target = recorded.indices.randomElement(using: &generator) {
                    let record = recorded.remove(at: target)
                    _ = try await fixture.tracker.void(record.id, reason: "test")
                }
            }
        }
        for today in ["2025-03-01", "2025-09-30", "2026-06-15", "2026-11-23", "2027-12-31"] {
            var tracker = fixture.tracker
            tracker.today = CalendarDate(today)!
            let snapshot = try await tracker.snapshot()
            #expect(snapshot.rows.count == 2)
            for row in snapshot.rows {
                let transcript = try await tracker.transcript(row.trainee.id)
                let levels = transcript.entries.map { entry in entry.progress.earnedLevel.flatMap { tracker.curriculum.framework.levelIndex($0) } ?? -1 }
                #expect(row.progress.map(\.levelRank) == transcript.entries.map(\.progress.levelRank), "\(row.trainee.id) on \(today)")
                #expect(row.progress.map(\.earnedRank) == levels, "\(row.trainee.id) on \(today)")
                #expect(row.progress.map(\.lapsed) == transcript.entries.map(\.progress.lapsed), "\(row.trainee.id) on \(today)")
                #expect(row.progress.map(\.lapsesOn) == transcript.entries.map(\.progress.lapsesOn), "\(row.trainee.id) on \(today)")
                #expect(row.modulesCompleted == transcript.modulesCompleted.count)
            }
            let report = ProgramReport(snapshot: snapshot, credentials: tracker.curriculum.credentials, withinDays: 90)
            #expect(report.json() == (try encoderJSON(report)), "JSON on \(today)")
        }
    }

    @Test func reportJSONMatchesJSONEncoderOnAwkwardValues() async throws {
        let fixture = try await TrackerFixture(addTrainees: false)
        var report = await ProgramReport(snapshot: try fixture.tracker.snapshot(), credentials: [], withinDays: 30)
        // Nothing at all: empty arrays.
        #expect(report.json() == (try encoderJSON(report)))
        let awkward = "quote \" backslash \\ slash / tab \t newline \n return \r \u{8}\u{c}\u{1}\u{1f}\u{7f} é 👩🏽‍⚕️ \u{2028} end"
        report.trainees = [
            .init(id: "a/b", name: awkward, cohort: nil, site: nil, status: "active", modulesCompleted: 0, modulesTotal: 3,
                  competenciesAtTarget: 0, competenciesTotal: 2, percentComplete: 0, lastCoaching: nil, credentialHours: nil, credentialDeadline: nil),
            .init(id: "z", name: "Z", cohort: "fall \"24\"", site: "Nörth", status: "paused", modulesCompleted: 3, modulesTotal: 3,
                  competenciesAtTarget: 2, competenciesTotal: 2, percentComplete: 100, lastCoaching: CalendarDate("0999-01-02"),
                  credentialHours: 12.5, credentialDeadline: CalendarDate("2027-12-31")),
        ]
        report.competencies = [
            .init(id: "c", title: awkward, levels: ["b": 1, "B": 2, "a10": 3, "a9": 4, "é": 5, "z": -6], none: 0, percentAtTarget: 50),
            .init(id: "d", title: "", levels: [:], none: 2, percentAtTarget: 0),
        ]
        report.cohorts = [.init(cohort: awkward, trainees: 2, percentComplete: 50, completed: 1)]
        report.alerts = [.init(traineeID: "z", kind: .credentialShort, subject: "yearly", date: CalendarDate("2026-01-01")!, detail: awkward)]
        report.scale = ["aware", "com\"petent"]
        report.educationHoursByYear = [0, 1, 1.5, 0.1, 1e-7, 1e16, 123456789.125, 1e300, 2.5e-5, 1.0 / 3, 100, Double(Int.max)].enumerated().map {
            .init(year: 2000 + $0.offset, hours: $0.element, trainees: $0.offset)
        }
        report.withinDays = Int.max
        #expect(String(decoding: report.json(), as: UTF8.self) == String(decoding: try encoderJSON(report), as: UTF8.self))
        report.withinDays = Int.min
        report.generatedOn = CalendarDate("9999-12-31")!
        #expect(report.json() == (try encoderJSON(report)))
    }
}

/// A small seeded generator, so the random evidence is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
