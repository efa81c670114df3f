import TrellisModel
import Foundation
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
    /// - Parameter day: the transcript as it stood at the end of that day (evidence after it
    ///   left out; corrections by void still apply, a voided record was a mistake on any day).
    public func transcript(_ traineeID: String, asOf day: CalendarDate? = nil) throws -> Transcript {
        let trainee = try self.trainee(traineeID)
        let today = day ?? self.today
        let records = try evidence(of: traineeID).filter { day == nil || $0.date <= today }
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

/// Every trainee's derived progress at once, for reports: one read of the per-trainee fact
/// digests, then one pass per trainee — never a query per trainee or per cell.
public struct ProgramSnapshot: Sendable {
    public struct Row: Sendable {
        public var trainee: Trainee
        /// One cell per competency, in framework order (`engine.competencyIDs`).
        public var progress: [ProgressCell]
        public var modulesCompleted: Int
        public var lastCoaching: CalendarDate?
        /// Continuing-education records (not voided), for credential ledgers.
        public var continuingEducation: [EvidenceRecord]
        /// The day of the frozen completion record, if there is one (`CompletionRecord`).
        public var completedOn: CalendarDate? = nil
    }

    public var engine: ProgressEngine
    public var rows: [Row]
    public var today: CalendarDate
}

extension Tracker {
    public func snapshot(_ filter: TraineeFilter = TraineeFilter()) throws -> ProgramSnapshot {
        let engine = ProgressEngine(curriculum: curriculum)
        return try database.read { db in
            let credentialed = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM trainee WHERE credential IS NOT NULL)") ?? false
            // Trainees get dense positions, so per-trainee data lives in arrays, not dictionaries.
            // Row numbers (SQLite rowids) are small and dense: arrays indexed by them replace hash lookups.
            let numbered = try TraineeRows.fetchAllWithNumbers(db)
            let trainees = numbered.map(\.trainee), traineeNos = numbered.map { Int($0.no) }
            var position = Array(repeating: -1, count: (traineeNos.max() ?? 0) + 1)
            for (index, no) in traineeNos.enumerated() { position[no] = index }

            let subjectRows = try GRDB.Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject")
            var subjects = Array(repeating: ProgressEngine.Fact.Subject?.none, count: Int(subjectRows.map { $0[0] as Int64 }.max() ?? 0) + 1)
            var competencyOfSubjectNo = Array(repeating: -1, count: subjects.count)
            for row in subjectRows {
                let no = Int(row[0] as Int64), kind: String = row[1], id: String = row[2]
                if kind == "module", let index = engine.moduleIndex[id] { subjects[no] = .module(index) }
                if kind == "competency", let index = engine.competencyIndex[id] {
                    subjects[no] = .competency(index)
                    competencyOfSubjectNo[no] = index
                }
            }
            let levelRows = try GRDB.Row.fetchAll(db, sql: "SELECT no, id FROM level")
            var levelRank = Array(repeating: Int?.none, count: Int(levelRows.map { $0[0] as Int64 }.max() ?? 0) + 1)
            for row in levelRows { levelRank[Int(row[0] as Int64)] = engine.framework.levelIndex(row[1]) }

            let selected = trainees.indices.filter { index in
                let trainee = trainees[index]
                return (filter.cohort == nil || trainee.cohort == filter.cohort) && (filter.site == nil || trainee.site == filter.site)
                    && (filter.status == nil || trainee.status == filter.status)
            }
            var wanted = Array(repeating: false, count: trainees.count)
            for index in selected { wanted[index] = true }

            // Each trainee's facts come from their digest (see FactDigest): small blobs, read
            // straight from SQLite, instead of a scan of every evidence row. The blobs are copied
            // out here and decoded on all cores below.
            var digests = Array(repeating: [UInt8](), count: trainees.count)
            let digestRows = try GRDB.Row.fetchCursor(db, sql: "SELECT trainee_no, facts FROM trainee_facts")
            while let row = try digestRows.next() {
                let traineeNo: Int = row[0]
                guard traineeNo >= 0, traineeNo < position.count, position[traineeNo] >= 0, wanted[position[traineeNo]] else { continue }
                // The blob's bytes are read in place, without a `Data` copy per trainee.
                try row.withUnsafeData(atIndex: 1) { data in digests[position[traineeNo]] = data.map { [UInt8]($0) } ?? [] }
            }
            // Continuing education only matters for trainees tracked against a credential.
            var education = Array(repeating: [EvidenceRecord](), count: trainees.count)
            if credentialed {
                let positionOfID = Dictionary(trainees.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
                for record in try EvidenceRows.fetch(db, whereClause: "e.kind = ? AND t.credential IS NOT NULL",
                                                     arguments: [EvidenceKind.continuingEducation.rawValue]) where record.voidedBy == nil {
                    if let owner = positionOfID[record.traineeID] { education[owner].append(record) }
                }
            }
            var completions = Array(repeating: CalendarDate?.none, count: trainees.count)
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT trainee_no, completed_day FROM completion") {
                let no = Int(row[0] as Int64)
                if no < position.count, position[no] >= 0 { completions[position[no]] = CalendarDate(dayNumber: row[1]) }
            }
            let today = self.today
            let (allTrainees, allDigests, ledgers, completedDays) = (trainees, digests, education, completions)
            let (subjectOf, rankOfLevel, competencyOf) = (subjects, levelRank, competencyOfSubjectNo)
            // Each trainee's facts go through the one progress engine, on all cores.
            let rows = selected.concurrentMap { index -> ProgramSnapshot.Row in
                let facts = allDigests[index].withUnsafeBytes {
                    FactDigest.facts($0, subjectOf: subjectOf, rankOfLevel: rankOfLevel, competencyOf: competencyOf)
                }
                let progress = engine.derive(facts, today: today, detail: false)
                let modules = Set(facts.compactMap { fact -> Int? in
                    guard fact.kind == .moduleCompleted, case .module(let module) = fact.subject else { return nil }
                    return module
                })
                let lastCoaching = facts.filter { $0.kind == .coachingSession }.map(\.day).max()
                return ProgramSnapshot.Row(trainee: allTrainees[index], progress: progress.map { ProgressCell($0, framework: engine.framework) },
                                           modulesCompleted: modules.count, lastCoaching: lastCoaching.map(CalendarDate.init(dayNumber:)),
                                           continuingEducation: ledgers[index], completedOn: completedDays[index])
            }
            return ProgramSnapshot(engine: engine, rows: rows, today: today)
        }
    }
}
