import TrellisModel
/// `trellis coaching`: coaching sessions per trainee and coach over a period, and the
/// trainees with no coaching for too long — training without coaching is the gap the
/// research on peer roles warns about.
public struct CoachingReport: Sendable, Codable {
    public struct Session: Sendable, Codable {
        public var evidenceID: String
        public var traineeID: String
        public var coach: String
        public var date: CalendarDate
        public var minutes: Int
        public var competencies: [String]
        public var nextStep: String?
    }

    public struct Gap: Sendable, Codable {
        public var traineeID: String
        public var name: String
        public var lastCoaching: CalendarDate?
        public var daysSince: Int?
    }

    public var from: CalendarDate
    public var to: CalendarDate
    public var gapWeeks: Int
    public var sessions: [Session]
    /// Minutes of coaching per coach in the period.
    public var minutesByCoach: [String: Int]
    public var sessionsByTrainee: [String: Int]
    /// Active trainees with no coaching session in the last `gapWeeks` weeks.
    public var gaps: [Gap]
}

extension Tracker {
    public func coachingReport(from: CalendarDate, to: CalendarDate, gapWeeks: Int, filter: TraineeFilter = TraineeFilter()) async throws -> CoachingReport {
        let trainees = try await self.trainees(filter)
        let ids = Set(trainees.map(\.id))
        let all = try await store.read { try await $0.evidence(.kind(.coachingSession)) }.filter { $0.voidedBy == nil && ids.contains($0.traineeID) }
        let sessions = all.filter { $0.date >= from && $0.date <= to }.map {
            CoachingReport.Session(evidenceID: $0.id, traineeID: $0.traineeID, coach: $0.observer ?? "", date: $0.date,
                                   minutes: $0.minutes ?? 0, competencies: $0.competencies, nextStep: $0.nextStep)
        }
        var minutesByCoach: [String: Int] = [:]
        var sessionsByTrainee: [String: Int] = [:]
        for session in sessions {
            minutesByCoach[session.coach, default: 0] += session.minutes
            sessionsByTrainee[session.traineeID, default: 0] += 1
        }
        var last: [String: CalendarDate] = [:]
        for record in all where record.date <= today { last[record.traineeID] = max(last[record.traineeID] ?? record.date, record.date) }
        let threshold = today.adding(days: -7 * gapWeeks)
        let gaps = trainees.filter { $0.status == .active }.compactMap { trainee -> CoachingReport.Gap? in
            let lastDate = last[trainee.id]
            guard lastDate.map({ $0 < threshold }) ?? true else { return nil }
            return CoachingReport.Gap(traineeID: trainee.id, name: trainee.name, lastCoaching: lastDate,
                                      daysSince: lastDate.map { today.dayNumber - $0.dayNumber })
        }
        return CoachingReport(from: from, to: to, gapWeeks: gapWeeks, sessions: sessions, minutesByCoach: minutesByCoach,
                              sessionsByTrainee: sessionsByTrainee, gaps: gaps)
    }

    /// `trellis due`: active trainees whose credential period ends within `days` and who are short of hours.
    public func credentialsDue(within days: Int) async throws -> [CredentialLedger] {
        let snapshot = try await self.snapshot(TraineeFilter(status: .active))
        let horizon = today.adding(days: days)
        return snapshot.rows.compactMap { row -> CredentialLedger? in
            guard let id = row.trainee.credential, let rule = curriculum.credentials.first(where: { $0.id == id }) else { return nil }
            let ledger = CredentialLedger(rule: rule, trainee: row.trainee, education: row.continuingEducation, on: today)
            return ledger.isShort && ledger.deadline <= horizon ? ledger : nil
        }.sorted { ($0.deadline, $0.traineeID) < ($1.deadline, $1.traineeID) }
    }
}
