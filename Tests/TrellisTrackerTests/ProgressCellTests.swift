import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker
@testable import TrellisTrackerSQLite

/// The report's progress, derived from the fact digests (`FactDigest`), must agree with
/// transcripts derived from the evidence rows: both go through the one `ProgressEngine`.
@Suite(.serialized) struct ProgressCellTests {
    /// The fixture's rules with what the assessment issue added: two observations by two
    /// observers for Competent, and continuing education that renews only what its category covers.
    static func laterRules(_ framework: String) -> String {
        framework
            .replacingOccurrences(of: "      observed_practice: competent\n", with: "      observed_practice: competent\n      observations_min: 2\n      observers_min: 2\n")
            .replacingOccurrences(of: "  lapse_after_months: 12\n", with: "  lapse_after_months: 12\n  renewal:\n    ethics: [listening-well]\n    supervision: []\n")
    }

    @Test(arguments: [false, true])
    func cellsAgreeWithTranscriptsOnRandomEvidence(laterRules: Bool) async throws {
        var generator = SplitMix(seed: 7)
        let edit: ((String) -> String)? = laterRules ? { Self.laterRules($0) } : nil
        let fixture = try await TrackerFixture(today: CalendarDate("2026-11-23")!, framework: edit)
        #expect(laterRules == (fixture.tracker.curriculum.framework.progression?.renewal != nil))
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
                                                       level: generator.next() % 2 == 0 ? "aware" : "competent",
                                                       observer: ["Ana", "Ben", " ana", "Ben"][Int(generator.next() % 4)]))
            case 3: await recorded.append(try fixture.record(trainee, "supervisor-signoff", about, date: date, observer: "Sam"))
            case 4: await recorded.append(try fixture.record(trainee, "coaching-session", generator.next() % 3 == 0 ? about : nil, date: date,
                                                       observer: "Ana", minutes: "30",
                                                       competencies: ["listening-well", "goal-setting", "listening-well,goal-setting"][Int(generator.next() % 3)]))
            case 5: await recorded.append(try fixture.record(trainee, "continuing-education", generator.next() % 2 == 0 ? nil : about, date: date,
                                                       hours: "2", topic: "Refresher",
                                                       category: (["ethics", "Supervision", nil, "trauma"] as [String?])[Int(generator.next() % 4)]))
            case 6:
                if generator.next() % 2 == 0 {
                    await recorded.append(try fixture.record(trainee, "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam"))
                } else {
                    await recorded.append(try fixture.tracker.record(EvidenceInput(trainee: trainee, kind: "field-hours", date: date, observer: "Sam",
                                                                                  hours: String(1 + generator.next() % 6), setting: "Clinic")))
                }
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
                #expect(row.fieldHours == transcript.fieldHours)
            }
        }
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
