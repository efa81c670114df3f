import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisCurriculum
import TrellisTestSupport
@testable import TrellisTracker

/// Each progression rule of the fixture framework, and lapsing.
/// Fixture rules: aware = any module that builds it; competent = all modules + knowledge check ≥ 70
/// + observed practice ≥ competent + supervisor sign-off + 1 coaching session; lapse after 12 months.
@Suite struct ProgressRulesTests {
    @Test func noEvidenceMeansNoLevel() async throws {
        let fixture = try await TrackerFixture()
        let progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.level == nil)
        #expect(progress.nextLevel == "aware")
        #expect(progress.missing == ["complete one of “Welcome to the work”, “Listening”"])
    }

    @Test func anyModuleGivesAware() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "module-completed", "welcome", date: "2025-02-01")
        let progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.level == "aware")
        #expect(progress.earnedOn == CalendarDate("2025-02-01"))
        #expect(progress.missing == ["complete “Listening”", "a knowledge check scored 70 or more", "observed practice rated Competent or higher",
                                     "a supervisor sign-off", "1 coaching session on it (1 more)"])
    }

    @Test func competentNeedsEveryRequirement() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening(on: "2026-06-01")
        await #expect(try fixture.progress("dana", "listening-well").level == "competent")
        await #expect(try fixture.progress("dana", "goal-setting").level == nil)

        // Take each requirement away in turn (by voiding it): the level drops back to aware.
        for kind in ["knowledge-check", "observed-practice", "supervisor-signoff", "coaching-session"] {
            let other = try await TrackerFixture()
            try await other.recordCompetentListening(on: "2026-06-01")
            let record = try await other.tracker.evidence(of: "dana").first { $0.kind.name == kind }!
            _ = try await other.tracker.void(record.id, reason: "test")
            let progress = try await other.progress("dana", "listening-well")
            #expect(progress.level == "aware", "without \(kind)")
            #expect(progress.missing.count == 1, "without \(kind): \(progress.missing)")
        }
    }

    @Test func thresholdsAreRespected() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening(on: "2026-06-01")
        let checks = try await fixture.tracker.evidence(of: "dana").filter { $0.kind == .knowledgeCheck || $0.kind == .observedPractice }
        for record in checks { _ = try await fixture.tracker.void(record.id, reason: "replace") }
        try await fixture.record("dana", "knowledge-check", "welcome", date: "2026-06-02", score: "69.5")
        try await fixture.record("dana", "observed-practice", "listening", date: "2026-06-02", level: "aware", observer: "Ana")
        await #expect(try fixture.progress("dana", "listening-well").level == "aware")
        // Evidence about a module counts toward the competencies it builds.
        try await fixture.record("dana", "knowledge-check", "welcome", date: "2026-06-03", score: "70")
        try await fixture.record("dana", "observed-practice", "listening", date: "2026-06-04", level: "competent", observer: "Ana")
        let progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.level == "competent")
        #expect(progress.earnedOn == CalendarDate("2026-06-04"), "earned when the last requirement was met")
    }

    @Test func levelLapsesWithoutContinuingEducation() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2026-07-01")!)
        try await fixture.recordCompetentListening(on: "2025-06-01")
        let lapsed = try await fixture.progress("dana", "listening-well")
        #expect(lapsed.lapsed)
        #expect(lapsed.earnedLevel == "competent")
        #expect(lapsed.level == "aware", "a lapsed level drops one step")
        #expect(lapsed.lapsesOn == CalendarDate("2026-06-01"))
        #expect(lapsed.missing.first?.contains("to restore Competent") == true)
    }

    @Test func continuingEducationAndCoachingRenew() async throws {
        let fixture = try await TrackerFixture(today: CalendarDate("2026-07-01")!)
        try await fixture.recordCompetentListening(on: "2025-06-01")
        try await fixture.record("dana", "continuing-education", date: "2025-12-01", hours: "2", topic: "Listening again")
        var progress = try await fixture.progress("dana", "listening-well")
        #expect(!progress.lapsed)
        #expect(progress.lapsesOn == CalendarDate("2026-12-01"))
        try await fixture.record("dana", "coaching-session", date: "2026-03-15", observer: "Ana", minutes: "30", competencies: "listening-well")
        progress = try await fixture.progress("dana", "listening-well")
        #expect(progress.lapsesOn == CalendarDate("2027-03-15"))
        // Continuing education about another competency does not renew this one.
        let other = try await TrackerFixture(today: CalendarDate("2026-07-01")!)
        try await other.recordCompetentListening(on: "2025-06-01")
        try await other.record("dana", "continuing-education", "competency:goal-setting", date: "2025-12-01", hours: "2", topic: "Goals")
        await #expect(try other.progress("dana", "listening-well").lapsed)
    }

    @Test func explanationNamesTheEvidence() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening(on: "2025-06-01")
        let transcript = try await fixture.tracker.transcript("dana")
        let progress = transcript.entries.first { $0.competency.id == "listening-well" }!.progress
        let competent = try #require(progress.checks.first { $0.level == "competent" })
        #expect(competent.met)
        let signoff = try #require(competent.requirements.first { $0.rule == "a supervisor sign-off" })
        #expect(signoff.evidence.map { transcript.record($0).kind } == [.supervisorSignoff])
        let text = TranscriptText.render(transcript, framework: fixture.tracker.curriculum.framework, explain: true)
        #expect(text.contains("met: a supervisor sign-off (on 2025-06-01)"))
        #expect(text.contains("supervisor-signoff competency:listening-well 2025-06-01 by Sam Lee"))
    }

    @Test func shippedFrameworkRulesDerivePracticingAndMentor() throws {
        let (curriculum, _) = CurriculumLoader(directory: Fixtures.packageRoot + "/Curriculum").load()
        let engine = ProgressEngine(curriculum: curriculum)
        let competency = try #require(engine.competencyIndex["role-clarity"])
        let modules = engine.modulesOfCompetency[competency]
        var facts = modules.map { ProgressEngine.Fact(kind: .moduleCompleted, subject: .module($0), day: 100, score: nil, levelRank: nil, competencies: [], reference: 0) }
        facts.append(.init(kind: .knowledgeCheck, subject: .competency(competency), day: 101, score: 75, levelRank: nil, competencies: [], reference: 1))
        facts.append(.init(kind: .observedPractice, subject: .competency(competency), day: 102, score: nil, levelRank: 1, competencies: [], reference: 2))
        let today = CalendarDate(dayNumber: 200)
        #expect(engine.derive(facts, today: today, detail: false)[competency].level == "practicing")
        facts.append(.init(kind: .observedPractice, subject: .competency(competency), day: 103, score: nil, levelRank: 3, competencies: [], reference: 3,
                           observer: "ana"))
        facts.append(.init(kind: .supervisorSignoff, subject: .competency(competency), day: 104, score: nil, levelRank: nil, competencies: [], reference: 4))
        #expect(engine.derive(facts, today: today, detail: false)[competency].level == "practicing", "Competent needs two observers")
        facts.append(.init(kind: .observedPractice, subject: .competency(competency), day: 104, score: nil, levelRank: 3, competencies: [], reference: 5,
                           observer: "ben"))
        #expect(engine.derive(facts, today: today, detail: false)[competency].level == "competent", "mentor also needs 3 coaching sessions")
        for day in 105...107 {
            facts.append(.init(kind: .coachingSession, subject: .none, day: day, score: nil, levelRank: nil, competencies: [competency], reference: day))
        }
        #expect(engine.derive(facts, today: today, detail: false)[competency].level == "mentor")
    }
}

@Suite struct CredentialLedgerTests {
    @Test func periodsFollowTheAnchor() {
        let fixed = CredentialRule(id: "y", title: "Y", periodMonths: 12, anchor: CalendarDate("2026-01-01"), totalHours: 10,
                                   minimumHours: [:], noDoubleCredit: true, location: SourceLocation(path: "x", line: 1, column: 1))
        let start = CalendarDate("2024-03-15")!
        #expect(fixed.period(containing: CalendarDate("2026-11-23")!, traineeStart: start) == (CalendarDate("2026-01-01")!, CalendarDate("2027-01-01")!))
        #expect(fixed.period(containing: CalendarDate("2025-12-31")!, traineeStart: start) == (CalendarDate("2025-01-01")!, CalendarDate("2026-01-01")!))
        var fromStart = fixed
        fromStart.anchor = nil
        fromStart.periodMonths = 24
        #expect(fromStart.period(containing: CalendarDate("2026-11-23")!, traineeStart: start) == (CalendarDate("2026-03-15")!, CalendarDate("2028-03-15")!))
        #expect(fromStart.period(containing: CalendarDate("2026-03-14")!, traineeStart: start) == (CalendarDate("2024-03-15")!, CalendarDate("2026-03-15")!))
    }

    @Test func hoursCountOncePerCourseAndPerCategory() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.record("dana", "continuing-education", date: "2026-02-01", hours: "3", topic: "Ethics in peer work", category: "ethics")
        try await fixture.record("dana", "continuing-education", date: "2026-05-01", hours: "3", topic: "ethics in peer work ", category: "ethics")
        try await fixture.record("dana", "continuing-education", date: "2026-06-01", hours: "4", topic: "Trauma basics")
        try await fixture.record("dana", "continuing-education", date: "2025-12-31", hours: "9", topic: "Last year")
        let due = try await fixture.tracker.credentialsDue(within: 60)
        let ledger = try #require(due.first)
        #expect(due.count == 1)
        #expect(ledger.deadline == CalendarDate("2026-12-31"))
        #expect(ledger.countedHours == 7, "the repeated course and last year's hours do not count")
        #expect(ledger.doubleCredits.count == 1)
        #expect(ledger.shortHours == 3)
        #expect(ledger.categories == [CredentialLedger.Category(category: "ethics", required: 2, counted: 3)])
        await #expect(try fixture.tracker.credentialsDue(within: 10).isEmpty, "deadline is 38 days away")
    }
}
