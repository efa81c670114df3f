import TrellisModel
import GRDB

/// `trellis tracker verify`: SQLite's integrity and foreign-key checks, plus evidence that
/// refers to modules, competencies or levels the current curriculum no longer has (renamed
/// or removed), so curriculum changes never silently orphan a trainee's record.
public struct TrackerVerifier: Sendable {
    public var tracker: Tracker

    public init(tracker: Tracker) { self.tracker = tracker }

    /// Modules or competencies that evidence refers to but the curriculum no longer has.
    public struct Orphan: Sendable, Hashable {
        public var kind: EvidenceSubject.Kind
        public var id: String
        public var records: Int
        public var trainees: Int
    }

    func orphans(_ db: Database) throws -> [Orphan] {
        let modules = Set(tracker.curriculum.modules.map(\.id))
        let competencies = Set(tracker.curriculum.framework.competencies.map(\.id))
        return try Row.fetchAll(db, sql: """
            SELECT s.kind, s.id, COUNT(e.no), COUNT(DISTINCT e.trainee_no) FROM subject s
            JOIN (SELECT no, trainee_no, subject_no FROM evidence UNION ALL
                  SELECT ec.evidence_no, e2.trainee_no, ec.subject_no FROM evidence_competency ec JOIN evidence e2 ON e2.no = ec.evidence_no) e
              ON e.subject_no = s.no
            GROUP BY s.no ORDER BY s.kind, s.id
            """).compactMap { row in
            let kind = EvidenceSubject.Kind(rawValue: row[0]) ?? .module, id: String = row[1]
            let known = kind == .module ? modules.contains(id) : competencies.contains(id)
            return known ? nil : Orphan(kind: kind, id: id, records: row[2], trainees: row[3])
        }
    }

    /// The same findings as `trellis check` diagnostics: evidence the curriculum change would orphan.
    public func orphanDiagnostics() throws -> [Diagnostic] {
        let curriculum = tracker.curriculum
        return try tracker.database.read { db in
            try orphans(db).map { orphan in
                let path = orphan.kind == .competency ? curriculum.framework.path : curriculum.manifest.path
                return .warning(at: SourceLocation(path: path, line: 1, column: 1),
                                "\(orphan.records) tracker record(s) for \(orphan.trainees) trainee(s) refer to \(orphan.kind.rawValue) `\(orphan.id)`, which is no longer in the curriculum",
                                remedy: "if it was renamed, keep the old id; otherwise void and re-record the evidence (`trellis tracker verify` lists it)")
            }
        }
    }

    /// Recomputes every trainee's fact digest (derived data) from the evidence; returns the
    /// number of trainees with evidence.
    @discardableResult
    public func repairDigests() throws -> Int {
        try tracker.database.write { try FactDigest.rebuildAll($0) }
    }

    public func verify() throws -> [String] {
        let curriculum = tracker.curriculum
        let levels = Set(curriculum.framework.scale.map(\.id))
        let credentials = Set(curriculum.credentials.map(\.id))
        return try tracker.database.read { db in
            var findings: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { findings += integrity.map { "integrity: \($0)" } }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                findings.append("integrity: a row in \(row[0] as String) refers to a missing row in \(row[2] as String)")
            }
            let stale = try FactDigest.staleTrainees(db)
            if !stale.isEmpty {
                findings.append("stale: the fact digests of \(stale.count) trainee(s) used by reports disagree with their evidence — run `trellis tracker verify --repair`")
            }
            for orphan in try orphans(db) {
                findings.append("orphaned: \(orphan.records) evidence record(s) for \(orphan.trainees) trainee(s) refer to \(orphan.kind.rawValue) `\(orphan.id)`, which is not in the curriculum — restore or rename it in the curriculum, or void and re-record the evidence")
            }
            for row in try Row.fetchAll(db, sql: "SELECT l.id, COUNT(e.no) FROM level l JOIN evidence e ON e.level_no = l.no GROUP BY l.no ORDER BY l.id") {
                let id: String = row[0]
                if !levels.contains(id) {
                    findings.append("orphaned: \(row[1] as Int) observed-practice record(s) use level `\(id)`, which is not on the scale — add it back to the scale or void and re-record them")
                }
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, credential FROM trainee WHERE credential IS NOT NULL ORDER BY id") {
                let credential: String = row[1]
                if !credentials.contains(credential) {
                    findings.append("unknown credential: trainee `\(row[0] as String)` is tracked against `\(credential)`, which credentials.yml does not define")
                }
            }
            return findings
        }
    }
}
