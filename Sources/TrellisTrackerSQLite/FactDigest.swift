import TrellisModel
import TrellisTracker
import Foundation
import GRDB

/// Each trainee's non-voided evidence, reduced to what the progression rules read and packed
/// into one blob per trainee (table `trainee_facts`). It is derived data, written in the same
/// transaction as the evidence it summarizes and rebuildable from the evidence table at any
/// time (`rebuildAll`); `trellis tracker verify` checks that it agrees.
///
/// A program-wide report reads ten thousand small blobs instead of scanning a million rows.
/// Module, competency and level numbers are the database's own (`subject.no`, `level.no`), so
/// renaming things in the curriculum is resolved when reading, exactly as for evidence rows.
///
/// Layout of one fact (schema v7), little-endian: day Int32, subject no Int32 (0 = none),
/// level no Int32 (0 = none), kind UInt8, number of coaching competencies UInt8, two zero
/// bytes, label no Int32 (`label.no` of an observation's observer or a continuing-education
/// category; 0 = none), amount Float64 (a knowledge check's score or field hours' hours; NaN =
/// none), then that many competency subject nos as Int32.
enum FactDigest {
    static let fixedSize = 28

    /// One fact before packing.
    struct Packed {
        var day: Int32
        var subjectNo: Int32
        var levelNo: Int32
        var kind: UInt8
        var labelNo: Int32 = 0
        var amount: Double?
        var competencySubjectNos: [Int32]
    }

    /// The label a fact of `kind` carries: who observed practice, or a continuing-education category.
    static func label(kind: EvidenceKind, observer: String?, category: String?) -> String? {
        switch kind {
        case .observedPractice: observer.map(ProgressEngine.Fact.label)
        case .continuingEducation: category.map(ProgressEngine.Fact.label)
        default: nil
        }
    }

    /// The amount a fact of `kind` carries.
    static func amount(kind: EvidenceKind, score: Double?, hours: Double?) -> Double? {
        kind == .fieldHours ? hours : score
    }

    /// Numbers labels (`label`), adding those not seen before (`interning`) or not (`lookingUp`:
    /// read-only checks, where an unknown label is 0 and so differs from what was stored).
    struct Labels {
        private var numbers: [String: Int32] = [:]
        private let adds: Bool

        init(_ db: Database, adding: Bool) throws {
            adds = adding
            for row in try Row.fetchAll(db, sql: "SELECT no, text FROM label") { numbers[row["text"]] = Int32(truncatingIfNeeded: row["no"] as Int64) }
        }

        mutating func number(_ text: String?, _ db: Database) throws -> Int32 {
            guard let text else { return 0 }
            if let no = numbers[text] { return no }
            guard adds else { return 0 }
            try db.execute(sql: "INSERT INTO label (text) VALUES (?)", arguments: [text])
            let no = Int32(truncatingIfNeeded: db.lastInsertedRowID)
            numbers[text] = no
            return no
        }
    }

    static func append(_ fact: Packed, to data: inout [UInt8]) {
        func put32(_ value: Int32) {
            let bits = UInt32(bitPattern: value)
            data.append(UInt8(truncatingIfNeeded: bits)); data.append(UInt8(truncatingIfNeeded: bits >> 8))
            data.append(UInt8(truncatingIfNeeded: bits >> 16)); data.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        put32(fact.day)
        put32(fact.subjectNo)
        put32(fact.levelNo)
        data.append(fact.kind)
        let count = min(fact.competencySubjectNos.count, 255)
        data.append(UInt8(count))
        data.append(0); data.append(0)
        put32(fact.labelNo)
        let score = (fact.amount ?? .nan).bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { data.append(UInt8(truncatingIfNeeded: score >> UInt64(shift))) }
        for subject in fact.competencySubjectNos.prefix(count) { put32(subject) }
    }

    /// Calls `body` for each fact in a packed blob (without allocating per fact).
    static func forEach(_ bytes: UnsafeRawBufferPointer,
                        _ body: (_ day: Int, _ subjectNo: Int, _ levelNo: Int, _ kind: UInt8, _ labelNo: Int, _ amount: Double?,
                                 _ competencies: UnsafeRawBufferPointer) -> Void) {
        var offset = 0
        let count = bytes.count
        while offset + fixedSize <= count {
            let day = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            let subjectNo = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: Int32.self)))
            let levelNo = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: Int32.self)))
            let kind = bytes[offset + 12]
            let competencyCount = Int(bytes[offset + 13])
            let labelNo = Int(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: Int32.self)))
            let scoreBits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 20, as: UInt64.self))
            let score = Double(bitPattern: scoreBits)
            let end = offset + fixedSize + 4 * competencyCount
            guard end <= count else { return }
            body(day, subjectNo, levelNo, kind, labelNo, score.isNaN ? nil : score,
                 UnsafeRawBufferPointer(rebasing: bytes[(offset + fixedSize)..<end]))
            offset = end
        }
    }

    /// A digest's facts as the progress engine reads them. The numbers are the database's, so
    /// they are resolved against the current curriculum here: a fact about a module or level
    /// the curriculum no longer has is left out, as `ProgressEngine.Fact`s of evidence rows are.
    static func facts(_ bytes: UnsafeRawBufferPointer, subjectOf: [ProgressEngine.Fact.Subject?], rankOfLevel: [Int?],
                      competencyOf: [Int], labels: [String?]) -> [ProgressEngine.Fact] {
        var facts: [ProgressEngine.Fact] = []
        forEach(bytes) { day, subjectNo, levelNo, kindNumber, labelNo, amount, competencyBytes in
            guard let kind = EvidenceKind(rawValue: Int(kindNumber)) else { return }
            var subject = ProgressEngine.Fact.Subject.none
            if subjectNo != 0 {
                guard subjectNo > 0, subjectNo < subjectOf.count, let known = subjectOf[subjectNo] else { return }
                subject = known
            }
            let levelRank = levelNo > 0 && levelNo < rankOfLevel.count ? rankOfLevel[levelNo] : nil
            var competencies: [Int] = []
            for offset in stride(from: 0, to: competencyBytes.count, by: 4) {
                let no = Int(Int32(littleEndian: competencyBytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                if no > 0, no < competencyOf.count, competencyOf[no] >= 0 { competencies.append(competencyOf[no]) }
            }
            let label = labelNo > 0 && labelNo < labels.count ? labels[labelNo] : nil
            facts.append(.init(kind: kind, subject: subject, day: day, score: kind == .fieldHours ? nil : amount, levelRank: levelRank,
                               competencies: competencies, reference: facts.count, hours: kind == .fieldHours ? amount : nil,
                               observer: kind == .observedPractice ? label : nil, category: kind == .continuingEducation ? label : nil))
        }
        return facts
    }

    /// Every trainee with their facts, resolved against `engine`'s curriculum, and the days of
    /// their completion records: one read of the digests, decoded on all cores.
    static func programFacts(_ engine: ProgressEngine, _ db: Database) throws -> ProgramFacts {
        let numbered = try TraineeRows.fetchAllWithNumbers(db)
        let trainees = numbered.map(\.trainee)
        // Row numbers (SQLite rowids) are small and dense: arrays indexed by them replace hash lookups.
        var position = Array(repeating: -1, count: Int(numbered.map(\.no).max() ?? 0) + 1)
        for (index, entry) in numbered.enumerated() { position[Int(entry.no)] = index }

        let subjectRows = try Row.fetchAll(db, sql: "SELECT no, kind, id FROM subject")
        var subjects = Array(repeating: ProgressEngine.Fact.Subject?.none, count: Int(subjectRows.map { $0["no"] as Int64 }.max() ?? 0) + 1)
        var competencyOfSubjectNo = Array(repeating: -1, count: subjects.count)
        for row in subjectRows {
            let no = Int(row["no"] as Int64), kind: String = row["kind"], id: String = row["id"]
            if kind == "module", let index = engine.moduleIndex[id] { subjects[no] = .module(index) }
            if kind == "competency", let index = engine.competencyIndex[id] {
                subjects[no] = .competency(index)
                competencyOfSubjectNo[no] = index
            }
        }
        let levelRows = try Row.fetchAll(db, sql: "SELECT no, id FROM level")
        var levelRank = Array(repeating: Int?.none, count: Int(levelRows.map { $0["no"] as Int64 }.max() ?? 0) + 1)
        for row in levelRows { levelRank[Int(row["no"] as Int64)] = engine.framework.levelIndex(row["id"]) }

        var digests = Array(repeating: [UInt8](), count: trainees.count)
        let rows = try Row.fetchCursor(db, sql: "SELECT trainee_no, facts FROM trainee_facts")
        while let row = try rows.next() {
            let traineeNo: Int = row["trainee_no"]
            guard traineeNo >= 0, traineeNo < position.count, position[traineeNo] >= 0 else { continue }
            // The blob's bytes are read in place, without a `Data` copy per trainee.
            try row.withUnsafeData(atIndex: 1) { data in digests[position[traineeNo]] = data.map { [UInt8]($0) } ?? [] }
        }
        let labelRows = try Row.fetchAll(db, sql: "SELECT no, text FROM label")
        var labels = Array(repeating: String?.none, count: Int(labelRows.map { $0["no"] as Int64 }.max() ?? 0) + 1)
        for row in labelRows { labels[Int(row["no"] as Int64)] = row["text"] }
        var completions: [String: CalendarDate] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT trainee_no, completed_day FROM completion") {
            let no = Int(row["trainee_no"] as Int64)
            if no < position.count, position[no] >= 0 { completions[trainees[position[no]].id] = CalendarDate(dayNumber: row["completed_day"]) }
        }
        let (allDigests, subjectOf, rankOfLevel, competencyOf, labelOf) = (digests, subjects, levelRank, competencyOfSubjectNo, labels)
        let perTrainee = Array(allDigests.indices).concurrentMap { index in
            allDigests[index].withUnsafeBytes {
                FactDigest.facts($0, subjectOf: subjectOf, rankOfLevel: rankOfLevel, competencyOf: competencyOf, labels: labelOf)
            }
        }
        return ProgramFacts(trainees: trainees, facts: perTrainee, completions: completions)
    }

    /// Appends facts to trainees' digests (new evidence that voids nothing).
    static func append(_ additions: [Int64: [UInt8]], _ db: Database) throws {
        guard !additions.isEmpty else { return }
        let select = try db.makeStatement(sql: "SELECT facts FROM trainee_facts WHERE trainee_no = ?")
        let upsert = try db.makeStatement(sql: "INSERT OR REPLACE INTO trainee_facts (trainee_no, facts) VALUES (?, ?)")
        for traineeNo in additions.keys.sorted() {
            var blob = try Data.fetchOne(select, arguments: [traineeNo]) ?? Data()
            blob.append(contentsOf: additions[traineeNo]!)
            try upsert.execute(arguments: [traineeNo, blob])
        }
    }

    private static let factsSQL = """
        SELECT e.trainee_no, e.occurred_day, e.subject_no, e.level_no, e.kind, e.score, e.hours, e.observer, e.category, e.no FROM evidence e
        WHERE e.kind != 7 AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.voids_no = e.no)
        """

    /// Recomputes one trainee's digest from the evidence table (after a void).
    static func rebuild(traineeNo: Int64, _ db: Database) throws {
        var labels = try Labels(db, adding: true)
        let digests = try compute(db, whereClause: " AND e.trainee_no = ?", arguments: [traineeNo], labels: &labels)
        try db.execute(sql: "INSERT OR REPLACE INTO trainee_facts (trainee_no, facts) VALUES (?, ?)",
                       arguments: [traineeNo, Data(digests[traineeNo] ?? [])])
    }

    /// Recomputes every digest from the evidence table; returns how many trainees have one.
    @discardableResult
    static func rebuildAll(_ db: Database) throws -> Int {
        var labels = try Labels(db, adding: true)
        let digests = try compute(db, whereClause: "", arguments: [], labels: &labels)
        try db.execute(sql: "DELETE FROM trainee_facts")
        let insert = try db.makeStatement(sql: "INSERT INTO trainee_facts (trainee_no, facts) VALUES (?, ?)")
        for traineeNo in digests.keys.sorted() { try insert.execute(arguments: [traineeNo, Data(digests[traineeNo]!)]) }
        return digests.count
    }

    /// Digests as computed from the evidence table, facts in evidence order.
    static func compute(_ db: Database, whereClause: String, arguments: StatementArguments, labels: inout Labels) throws -> [Int64: [UInt8]] {
        var competencies: [Int64: [Int32]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT ec.evidence_no, ec.subject_no FROM evidence_competency ec JOIN evidence e ON e.no = ec.evidence_no
            WHERE 1\(whereClause) ORDER BY ec.evidence_no, ec.subject_no
            """, arguments: arguments) {
            competencies[row["evidence_no"], default: []].append(Int32(truncatingIfNeeded: row["subject_no"] as Int64))
        }
        var digests: [Int64: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: factsSQL + whereClause + " ORDER BY e.no", arguments: arguments) {
            let traineeNo: Int64 = row["trainee_no"]
            let kind = UInt8(truncatingIfNeeded: row["kind"] as Int64)
            let evidenceKind = EvidenceKind(rawValue: Int(kind)) ?? .reflection
            let no: Int64 = row["no"]
            let label = label(kind: evidenceKind, observer: row["observer"], category: row["category"])
            append(Packed(day: Int32(truncatingIfNeeded: row["occurred_day"] as Int64),
                          subjectNo: Int32(truncatingIfNeeded: (row["subject_no"] as Int64?) ?? 0),
                          levelNo: Int32(truncatingIfNeeded: (row["level_no"] as Int64?) ?? 0),
                          kind: kind, labelNo: try labels.number(label, db),
                          amount: amount(kind: evidenceKind, score: row["score"], hours: row["hours"]),
                          competencySubjectNos: kind == UInt8(EvidenceKind.coachingSession.rawValue) ? competencies[no] ?? [] : []),
                   to: &digests[traineeNo, default: []])
        }
        return digests
    }

    /// Trainees whose stored digest differs from the evidence (for `tracker verify`).
    static func staleTrainees(_ db: Database) throws -> [Int64] {
        var labels = try Labels(db, adding: false)
        let expected = try compute(db, whereClause: "", arguments: [], labels: &labels)
        var stored: [Int64: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT trainee_no, facts FROM trainee_facts") {
            stored[row["trainee_no"]] = [UInt8](row["facts"] as Data)
        }
        return Set(expected.keys).union(stored.keys).filter { traineeNo in
            (expected[traineeNo] ?? []) != (stored[traineeNo] ?? [])
        }.sorted()
    }
}
