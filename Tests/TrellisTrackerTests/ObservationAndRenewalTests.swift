import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker

/// Two rules of the assessment issue: a level can need several observations by different
/// observers, and continuing education renews only the competencies its category covers.
@Suite struct ObservationAndRenewalTests {
    /// The fixture's rules with Competent needing two observations by two observers, and
    /// `ethics` renewing listening-well only.
    private func fixture(today: String) async throws -> TrackerFixture {
        try await TrackerFixture(today: CalendarDate(today)!) {
            $0.replacingOccurrences(of: "      observed_practice: competent\n",
                                    with: "      observed_practice: competent\n      observations_min: 2\n      observers_min: 2\n")
              .replacingOccurrences(of: "  lapse_after_months: 12\n", with: "  lapse_after_months: 12\n  renewal:\n    ethics: [listening-well]\n")
        }
    }

    /// Everything Competent needs for listening-well except the observations.
    private func allButObservations(_ fixture: TrackerFixture, on date: String) async throws {
        try await fixture.record("dana", "module-completed", "welcome", date: date)
        try await fixture.record("dana", "module-completed", "listening", date: date)
        try await fixture.record("dana", "knowledge-check", "listening", date: date, score: "80")
        try await fixture.record("dana", "supervisor-signoff", "competency:listening-well", date: date, observer: "Sam Lee")
        try await fixture.record("dana", "coaching-session", date: date, observer: "Ana", minutes: "30", competencies: "listening-well")
    }

    @Test func aLevelCanNeedObservationsByDifferentObservers() async throws {
        let fixture = try await fixture(today: "2025-12-01")
        try await allButObservations(fixture, on: "2025-06-01")
        try await fixture.record("dana", "observed-practice", "competency:listening-well", date: "2025-06-02", level: "competent", observer: "Ana")
        // The same coach again, written differently, is still one observer.
        try await fixture.record("dana", "observed-practice", "competency:listening-well", date: "2025-06-09", level: "competent", observer: " ANA")
        var progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.level == "aware")
        #expect(progress.missing == ["2 observations rated Competent or higher, by 2 different observers"])
        let ben = try await fixture.record("dana", "observed-practice", "competency:listening-well", date: "2025-06-16", level: "competent", observer: "Ben")
        progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.level == "competent" && progress.earnedOn == CalendarDate("2025-06-16"))
        let transcript = try await fixture.tracker.transcript("dana")
        let explained = TranscriptText.render(transcript, framework: fixture.tracker.curriculum.framework, explain: true)
        #expect(explained.contains("met: 2 observations rated Competent or higher, by 2 different observers (on 2025-06-16)"), "\(explained)")
        #expect(explained.contains("evidence \(ben.id) observed-practice competency:listening-well 2025-06-16 level competent by Ben"))
        // An observation below the level counts for nothing.
        let report = ProgramReport(snapshot: try await fixture.tracker.snapshot(), credentials: [], withinDays: 30)
        #expect(report.competencies.first { $0.id == "listening-well" }?.levels["competent"] == 1)
    }

    @Test func continuingEducationRenewsOnlyWhatItsCategoryCovers() async throws {
        let fixture = try await fixture(today: "2026-11-23")
        try await allButObservations(fixture, on: "2025-06-01")
        try await fixture.record("dana", "observed-practice", "competency:listening-well", date: "2025-06-02", level: "competent", observer: "Ana")
        try await fixture.record("dana", "observed-practice", "competency:listening-well", date: "2025-06-03", level: "competent", observer: "Ben")
        // Earned 2025-06-03; it lapses 12 months on unless something covers it.
        #expect(try await fixture.progress("dana", "listening-well").lapsesOn == CalendarDate("2026-06-03"))
        // Neither an unmapped category nor education without one renews anything.
        try await fixture.record("dana", "continuing-education", date: "2026-01-10", hours: "2", topic: "Budgeting", category: "finance")
        try await fixture.record("dana", "continuing-education", date: "2026-01-11", hours: "2", topic: "General update")
        var progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.lapsed && progress.lapsesOn == CalendarDate("2026-06-03") && progress.renewedBy == nil)
        #expect(progress.missing.first == "record continuing education that covers this competency, or a coaching session on it, to restore Competent")
        // Ethics covers listening-well: it is current again, and --explain says what kept it so.
        let ethics = try await fixture.record("dana", "continuing-education", date: "2026-02-01", hours: "3", topic: "Ethics refresher", category: "Ethics")
        progress = try await fixture.progress("dana", "listening-well")
        #expect(!progress.lapsed && progress.lapsesOn == CalendarDate("2027-02-01"))
        let transcript = try await fixture.tracker.transcript("dana")
        let explained = TranscriptText.render(transcript, framework: fixture.tracker.curriculum.framework, explain: true)
        #expect(explained.contains("kept current by \(ethics.id) continuing education “Ethics refresher” (category ethics) on 2026-02-01"), "\(explained)")
        // The report's cells (from the fact digests) agree.
        let snapshot = try await fixture.tracker.snapshot()
        let row = try #require(snapshot.rows.first { $0.trainee.id == "dana" })
        #expect(row.progress[0].lapsesOn == CalendarDate("2027-02-01") && !row.progress[0].lapsed)
    }

    /// Frameworks without a `renewal` map keep their meaning: uncategorised education renews all.
    @Test func withoutARenewalMapEducationRenewsEveryCompetencyAsBefore() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2026-11-23")!)
        try await fixture.recordCompetentListening(on: "2025-06-01")
        try await fixture.record("dana", "continuing-education", date: "2026-01-11", hours: "2", topic: "General update", category: "finance")
        let progress = try await fixture.progress("dana", "listening-well")
        #expect(!progress.lapsed && progress.lapsesOn == CalendarDate("2027-01-11"))
    }
}
