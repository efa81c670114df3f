import Foundation
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
            var competencyOfSubjectNo = Array(repeating: -1, count: subjects.count)
            for (no, index) in competencyOfSubject where Int(no) < competencyOfSubjectNo.count { competencyOfSubjectNo[Int(no)] = index }

            // Each trainee's facts come from their digest (see FactDigest): small blobs, read
            // straight from SQLite, instead of a scan of every evidence row. The blobs are copied
            // into one buffer here and decoded on all cores below.
            var digestBytes: [UInt8] = []
            var ranges = Array(repeating: 0..<0, count: trainees.count)
            let statement = try db.makeStatement(sql: "SELECT trainee_no, facts FROM trainee_facts")
            let raw = statement.sqliteStatement
            defer { sqlite3_reset(raw) }
            while true {
                let code = sqlite3_step(raw)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                let traineeNo = Int(sqlite3_column_int64(raw, 0))
                guard traineeNo < position.count, position[traineeNo] >= 0 else { continue }
                let owner = position[traineeNo]
                guard let blob = sqlite3_column_blob(raw, 1) else { continue }
                let bytes = UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(raw, 1)))
                let first = digestBytes.count
                digestBytes.append(contentsOf: bytes)
                ranges[owner] = first..<digestBytes.count
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
            let (allTrainees, digests, digestRanges, ledgers) = (trainees, digestBytes, ranges, education)
            let (subjectOf, rankOfLevel, competencyOf) = (subjects, levelRank, competencyOfSubjectNo)
            // Trainees in chunks on all cores, each chunk reusing its scratch space: a workspace,
            // a fact list and a set of modules.
            let rows = selected.chunkedConcurrentMap(chunkSize: 256, makeState: { (ProgressEngine.Workspace(), [ProgressEngine.Fact](), Set<Int>()) }) { state, index -> ProgramSnapshot.Row in
                state.1.removeAll(keepingCapacity: true)
                state.2.removeAll(keepingCapacity: true)
                var lastCoaching = Int.min
                var reference = 0
                digests.withUnsafeBytes { all in
                    FactDigest.forEach(UnsafeRawBufferPointer(rebasing: all[digestRanges[index]])) { day, subjectNo, levelNo, kindNumber, score, competencyBytes in
                        reference += 1
                        guard let kind = EvidenceKind(rawValue: Int(kindNumber)) else { return }
                        var subject = ProgressEngine.Fact.Subject.none
                        if subjectNo != 0 {
                            guard subjectNo > 0, subjectNo < subjectOf.count, let known = subjectOf[subjectNo] else { return }
                            subject = known
                        }
                        let level: Int? = levelNo > 0 && levelNo < rankOfLevel.count ? rankOfLevel[levelNo] : nil
                        var competencies: [Int] = []
                        if kind == .coachingSession {
                            lastCoaching = max(lastCoaching, day)
                            for offset in stride(from: 0, to: competencyBytes.count, by: 4) {
                                let no = Int(Int32(littleEndian: competencyBytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                                if no > 0, no < competencyOf.count, competencyOf[no] >= 0 { competencies.append(competencyOf[no]) }
                            }
                        }
                        if kind == .moduleCompleted, case .module(let module) = subject { state.2.insert(module) }
                        state.1.append(ProgressEngine.Fact(kind: kind, subject: subject, day: day, score: score, levelRank: level,
                                                           competencies: competencies, reference: reference))
                    }
                }
                return ProgramSnapshot.Row(trainee: allTrainees[index], progress: engine.derive(state.1[...], today: today, detail: false, workspace: &state.0),
                                           modulesCompleted: state.2.count,
                                           lastCoaching: lastCoaching == .min ? nil : CalendarDate(dayNumber: lastCoaching),
                                           continuingEducation: ledgers[index])
            }
            return ProgramSnapshot(engine: engine, rows: rows, today: today)
        }
    }
}

extension Array where Element: Sendable {
    /// Maps on all cores in chunks, keeping the input's order; each chunk has its own `State`
    /// (scratch space reused from one element to the next).
    func chunkedConcurrentMap<Result, State>(chunkSize: Int, makeState: () -> State,
                                             _ transform: (inout State, Element) -> Result) -> [Result] {
        if count == 0 { return [] }
        let chunks = (count + chunkSize - 1) / chunkSize
        let slots = UnsafeMutableBufferPointer<Result>.allocate(capacity: count)
        defer { slots.deallocate() }
        nonisolated(unsafe) let output = slots
        nonisolated(unsafe) let make = makeState
        nonisolated(unsafe) let map = transform
        let items = self
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var state = make()
            for index in (chunk * chunkSize)..<Swift.min(items.count, (chunk + 1) * chunkSize) {
                (output.baseAddress! + index).initialize(to: map(&state, items[index]))
            }
        }
        let result = [Result](slots)
        _ = slots.deinitialize()
        return result
    }
}
