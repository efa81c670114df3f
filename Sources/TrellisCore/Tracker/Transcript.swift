import GRDB

/// One trainee's record: every competency with its level, the evidence behind it, what is
/// missing for the next level, and when it lapses.
public struct Transcript: Sendable {
    public struct Entry: Sendable {
        public var competency: CompetencyFramework.Competency
        public var domainTitle: String
        public var progress: ProgressEngine.CompetencyProgress
    }

    public var trainee: Trainee
    public var entries: [Entry]
    /// Every record, voids and voided ones included, in the order the evidence happened.
    public var records: [EvidenceRecord]
    public var modulesCompleted: [String]
    public var modulesRemaining: [String]
    public var today: CalendarDate

    /// The record an explanation's reference points at.
    public func record(_ reference: Int) -> EvidenceRecord { records[reference] }
}

extension Tracker {
    public func transcript(_ traineeID: String) throws -> Transcript {
        let trainee = try self.trainee(traineeID)
        let records = try evidence(of: traineeID)
        let engine = ProgressEngine(curriculum: curriculum)
        let facts = records.enumerated().compactMap { index, record in engine.fact(from: record, reference: index) }
        let progress = engine.derive(facts, today: today, detail: true)
        let framework = curriculum.framework
        var entries: [Transcript.Entry] = []
        for (index, competency) in framework.competencies.enumerated() {
            let domain = framework.domains.first { $0.id == competency.domainID }?.title ?? ""
            entries.append(.init(competency: competency, domainTitle: domain, progress: progress[index]))
        }
        let completed = Set(records.filter { $0.kind == .moduleCompleted && $0.voidedBy == nil }.compactMap { $0.subject?.id })
        return Transcript(trainee: trainee, entries: entries, records: records,
                          modulesCompleted: engine.moduleIDs.filter { completed.contains($0) },
                          modulesRemaining: engine.moduleIDs.filter { !completed.contains($0) }, today: today)
    }
}

extension ProgressEngine {
    /// The rules' view of a record; nil for voids, voided records and records about things
    /// no longer in the curriculum (those are reported by `trellis tracker verify`).
    func fact(from record: EvidenceRecord, reference: Int) -> Fact? {
        guard record.kind != .void, record.voidedBy == nil else { return nil }
        var subject = Fact.Subject.none
        if let about = record.subject {
            switch about.kind {
            case .module:
                guard let index = moduleIndex[about.id] else { return nil }
                subject = .module(index)
            case .competency:
                guard let index = competencyIndex[about.id] else { return nil }
                subject = .competency(index)
            }
        }
        return Fact(kind: record.kind, subject: subject, day: record.date.dayNumber, score: record.score,
                    levelRank: record.level.flatMap { framework.levelIndex($0) },
                    competencies: record.competencies.compactMap { competencyIndex[$0] }, reference: reference)
    }
}

/// Every trainee's derived progress at once, for reports: one scan of the evidence table,
/// then one pass per trainee — never a query per trainee or per cell.
public struct ProgramSnapshot: Sendable {
    public struct Row: Sendable {
        public var trainee: Trainee
        public var progress: [ProgressEngine.CompetencyProgress]
        public var modulesCompleted: Int
        public var lastCoaching: CalendarDate?
        /// Continuing-education records (not voided), for credential ledgers.
        public var continuingEducation: [EvidenceRecord]
    }

    public var engine: ProgressEngine
    public var rows: [Row]
    public var today: CalendarDate
}

extension Tracker {
    public func snapshot(_ filter: TraineeFilter = TraineeFilter()) throws -> ProgramSnapshot {
        let engine = ProgressEngine(curriculum: curriculum)
        return try database.read { db in
            var traineeByNo: [Int64: Trainee] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT \(TraineeRows.columns), no FROM trainee ORDER BY id") {
                traineeByNo[row[9]] = TraineeRows.decode(row)
            }
            var subjects: [Int64: ProgressEngine.Fact.Subject] = [:]
            var competencyOfSubject: [Int64: Int] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject") {
                let kind: String = row[1], id: String = row[2]
                if kind == "module", let index = engine.moduleIndex[id] { subjects[row[0]] = .module(index) }
                if kind == "competency", let index = engine.competencyIndex[id] {
                    subjects[row[0]] = .competency(index)
                    competencyOfSubject[row[0]] = index
                }
            }
            var levelRank: [Int64: Int] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT no, id FROM level") {
                if let rank = engine.framework.levelIndex(row[1]) { levelRank[row[0]] = rank }
            }
            let voided = Set(try Int64.fetchAll(db, sql: "SELECT voids_no FROM evidence WHERE kind = 7"))
            var coachingCompetencies: [Int64: [Int]] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT evidence_no, subject_no FROM evidence_competency") {
                if let index = competencyOfSubject[row[1]] { coachingCompetencies[row[0], default: []].append(index) }
            }

            var facts: [Int64: [ProgressEngine.Fact]] = [:]
            var lastCoaching: [Int64: Int] = [:]
            var education: [Int64: [EvidenceRecord]] = [:]
            let cursor = try GRDB.Row.fetchCursor(db, sql: """
                SELECT no, trainee_no, kind, subject_no, occurred_day, score, level_no, hours, topic, provider, category, course, id
                FROM evidence WHERE kind != 7
                """)
            while let row = try cursor.next() {
                let no: Int64 = row[0]
                if voided.contains(no) { continue }
                let traineeNo: Int64 = row[1]
                guard let kind = EvidenceKind(rawValue: row[2]) else { continue }
                let subjectNo: Int64? = row[3]
                var subject = ProgressEngine.Fact.Subject.none
                if let subjectNo {
                    guard let known = subjects[subjectNo] else { continue }
                    subject = known
                }
                let day: Int = row[4]
                let levelNo: Int64? = row[6]
                facts[traineeNo, default: []].append(ProgressEngine.Fact(
                    kind: kind, subject: subject, day: day, score: row[5], levelRank: levelNo.flatMap { levelRank[$0] },
                    competencies: kind == .coachingSession ? coachingCompetencies[no] ?? [] : [], reference: Int(no)))
                if kind == .coachingSession { lastCoaching[traineeNo] = max(lastCoaching[traineeNo] ?? .min, day) }
                if kind == .continuingEducation, let trainee = traineeByNo[traineeNo] {
                    education[traineeNo, default: []].append(EvidenceRecord(
                        id: row[12], traineeID: trainee.id, kind: kind, subject: nil, date: CalendarDate(dayNumber: day),
                        hours: row[7], topic: row[8], provider: row[9], category: row[10], course: row[11]))
                }
            }
            let selected = traineeByNo.filter { _, trainee in
                (filter.cohort == nil || trainee.cohort == filter.cohort) && (filter.site == nil || trainee.site == filter.site)
                    && (filter.status == nil || trainee.status == filter.status)
            }.sorted { $0.value.id < $1.value.id }
            let today = self.today
            let (factsByTrainee, coachingByTrainee, educationByTrainee) = (facts, lastCoaching, education)
            let work = selected.map { (no: $0.key, trainee: $0.value) }
            let rows = work.concurrentMap { item -> ProgramSnapshot.Row in
                let traineeFacts = factsByTrainee[item.no] ?? []
                let completedModules = Set(traineeFacts.compactMap { fact -> Int? in
                    if fact.kind == .moduleCompleted, case .module(let index) = fact.subject { return index }
                    return nil
                })
                return ProgramSnapshot.Row(trainee: item.trainee, progress: engine.derive(traineeFacts, today: today, detail: false),
                                           modulesCompleted: completedModules.count,
                                           lastCoaching: coachingByTrainee[item.no].map(CalendarDate.init(dayNumber:)),
                                           continuingEducation: educationByTrainee[item.no] ?? [])
            }
            return ProgramSnapshot(engine: engine, rows: rows, today: today)
        }
    }
}
