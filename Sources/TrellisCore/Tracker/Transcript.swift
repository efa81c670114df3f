import GRDB
import GRDBSQLite

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
        let credentialed = try database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM trainee WHERE credential IS NOT NULL)") ?? false
        }
        return try database.read { db in
            // Trainees get dense positions, so per-trainee data lives in arrays, not dictionaries.
            // Row numbers (SQLite rowids) are small and dense: arrays indexed by them replace hash lookups.
            var trainees: [Trainee] = []
            let traineeRows = try GRDB.Row.fetchAll(db, sql: "SELECT \(TraineeRows.columns), no FROM trainee ORDER BY id")
            var position = Array(repeating: -1, count: Int(traineeRows.map { $0[9] as Int64 }.max() ?? 0) + 1)
            for row in traineeRows {
                position[Int(row[9] as Int64)] = trainees.count
                trainees.append(TraineeRows.decode(row))
            }
            let subjectRows = try GRDB.Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject")
            var subjects = Array(repeating: ProgressEngine.Fact.Subject?.none, count: Int(subjectRows.map { $0[0] as Int64 }.max() ?? 0) + 1)
            var competencyOfSubject: [Int64: Int] = [:]
            for row in subjectRows {
                let no = Int(row[0] as Int64), kind: String = row[1], id: String = row[2]
                if kind == "module", let index = engine.moduleIndex[id] { subjects[no] = .module(index) }
                if kind == "competency", let index = engine.competencyIndex[id] {
                    subjects[no] = .competency(index)
                    competencyOfSubject[Int64(no)] = index
                }
            }
            let levelRows = try GRDB.Row.fetchAll(db, sql: "SELECT no, id FROM level")
            var levelRank = Array(repeating: Int?.none, count: Int(levelRows.map { $0[0] as Int64 }.max() ?? 0) + 1)
            for row in levelRows { levelRank[Int(row[0] as Int64)] = engine.framework.levelIndex(row[1]) }
            let voided = Set(try Int64.fetchAll(db, sql: "SELECT voids_no FROM evidence WHERE kind = 7"))
            var coachingCompetencies: [Int64: [Int]] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT evidence_no, subject_no FROM evidence_competency") {
                if let index = competencyOfSubject[row[1]] { coachingCompetencies[row[0], default: []].append(index) }
            }

            // One scan of the evidence table, reading columns straight from SQLite.
            var facts: [ProgressEngine.Fact] = []
            var owners: [Int32] = []
            var lastCoaching = Array(repeating: Int.min, count: trainees.count)
            let statement = try db.makeStatement(sql: """
                SELECT no, trainee_no, kind, subject_no, occurred_day, score, level_no FROM evidence WHERE kind != 7
                """)
            let raw = statement.sqliteStatement
            defer { sqlite3_reset(raw) }
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let no = sqlite3_column_int64(raw, 0)
                let traineeNo = Int(sqlite3_column_int64(raw, 1))
                guard traineeNo < position.count, position[traineeNo] >= 0,
                      let kind = EvidenceKind(rawValue: Int(sqlite3_column_int64(raw, 2))) else { continue }
                let owner = position[traineeNo]
                if !voided.isEmpty, voided.contains(no) { continue }
                var subject = ProgressEngine.Fact.Subject.none
                if sqlite3_column_type(raw, 3) != SQLITE_NULL {
                    let subjectNo = Int(sqlite3_column_int64(raw, 3))
                    guard subjectNo < subjects.count, let known = subjects[subjectNo] else { continue }
                    subject = known
                }
                let day = Int(sqlite3_column_int64(raw, 4))
                let score: Double? = sqlite3_column_type(raw, 5) == SQLITE_NULL ? nil : sqlite3_column_double(raw, 5)
                let levelNo = sqlite3_column_type(raw, 6) == SQLITE_NULL ? -1 : Int(sqlite3_column_int64(raw, 6))
                let level: Int? = levelNo >= 0 && levelNo < levelRank.count ? levelRank[levelNo] : nil
                facts.append(ProgressEngine.Fact(kind: kind, subject: subject, day: day, score: score, levelRank: level,
                                                 competencies: kind == .coachingSession ? coachingCompetencies[no] ?? [] : [],
                                                 reference: Int(no)))
                owners.append(Int32(owner))
                if kind == .coachingSession { lastCoaching[owner] = max(lastCoaching[owner], day) }
            }
            // Group facts by trainee with a counting sort: one pass, no per-trainee containers.
            var starts = Array(repeating: 0, count: trainees.count + 1)
            for owner in owners { starts[Int(owner) + 1] += 1 }
            for index in 0..<trainees.count { starts[index + 1] += starts[index] }
            var next = starts
            var grouped = facts
            for (index, owner) in owners.enumerated() {
                grouped[next[Int(owner)]] = facts[index]
                next[Int(owner)] += 1
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
            let today = self.today
            let selected = trainees.indices.filter { index in
                let trainee = trainees[index]
                return (filter.cohort == nil || trainee.cohort == filter.cohort) && (filter.site == nil || trainee.site == filter.site)
                    && (filter.status == nil || trainee.status == filter.status)
            }
            let (allTrainees, allFacts, offsets, coaching, ledgers) = (trainees, grouped, starts, lastCoaching, education)
            let rows = selected.concurrentMap { index -> ProgramSnapshot.Row in
                let traineeFacts = allFacts[offsets[index]..<offsets[index + 1]]
                var completed = Set<Int>()
                for fact in traineeFacts where fact.kind == .moduleCompleted {
                    if case .module(let module) = fact.subject { completed.insert(module) }
                }
                return ProgramSnapshot.Row(trainee: allTrainees[index], progress: engine.derive(traineeFacts, today: today, detail: false),
                                           modulesCompleted: completed.count,
                                           lastCoaching: coaching[index] == .min ? nil : CalendarDate(dayNumber: coaching[index]),
                                           continuingEducation: ledgers[index])
            }
            return ProgramSnapshot(engine: engine, rows: rows, today: today)
        }
    }
}
