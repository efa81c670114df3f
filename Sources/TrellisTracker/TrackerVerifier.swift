import TrellisModel

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

    func orphans(_ findings: StoreFindings) -> [Orphan] {
        let modules = Set(tracker.curriculum.modules.map(\.id))
        let competencies = Set(tracker.curriculum.framework.competencies.map(\.id))
        return findings.subjects.compactMap { used in
            let known = used.subject.kind == .module ? modules.contains(used.subject.id) : competencies.contains(used.subject.id)
            return known ? nil : Orphan(kind: used.subject.kind, id: used.subject.id, records: used.records, trainees: used.trainees)
        }
    }

    /// The same findings as `trellis check` diagnostics: evidence the curriculum change would orphan.
    public func orphanDiagnostics() async throws -> [Diagnostic] {
        let curriculum = tracker.curriculum
        return orphans(try await tracker.store.read { try await $0.findings() }).map { orphan in
            let path = orphan.kind == .competency ? curriculum.framework.path : curriculum.manifest.path
            return .warning(at: SourceLocation(path: path, line: 1, column: 1),
                            "\(orphan.records) tracker record(s) for \(orphan.trainees) trainee(s) refer to \(orphan.kind.rawValue) `\(orphan.id)`, which is no longer in the curriculum",
                            remedy: "if it was renamed, keep the old id; otherwise void and re-record the evidence (`trellis tracker verify` lists it)")
        }
    }

    /// Recomputes what the store derives from the evidence (every trainee's fact digest);
    /// returns the number of trainees with evidence.
    @discardableResult
    public func repairDigests() async throws -> Int {
        try await tracker.store.write { try await $0.rebuildDerivedData() }
    }

    public func verify() async throws -> [String] {
        let curriculum = tracker.curriculum
        let levels = Set(curriculum.framework.scale.map(\.id))
        let credentials = Set(curriculum.credentials.map(\.id))
        let (found, trainees) = try await tracker.store.read { records in (try await records.findings(), try await records.trainees()) }
        var findings = found.integrityProblems.map { "integrity: \($0)" }
        if found.staleTrainees > 0 {
            findings.append("stale: the fact digests of \(found.staleTrainees) trainee(s) used by reports disagree with their evidence — run `trellis tracker verify --repair`")
        }
        for orphan in orphans(found) {
            findings.append("orphaned: \(orphan.records) evidence record(s) for \(orphan.trainees) trainee(s) refer to \(orphan.kind.rawValue) `\(orphan.id)`, which is not in the curriculum — restore or rename it in the curriculum, or void and re-record the evidence")
        }
        for level in found.levels where !levels.contains(level.id) {
            findings.append("orphaned: \(level.records) observed-practice record(s) use level `\(level.id)`, which is not on the scale — add it back to the scale or void and re-record them")
        }
        let programs = Set(curriculum.framework.completionSets.map(\.id))
        for trainee in trainees {
            if let credential = trainee.credential, !credentials.contains(credential) {
                findings.append("unknown credential: trainee `\(trainee.id)` is tracked against `\(credential)`, which credentials.yml does not define")
            }
            if let program = trainee.program, !programs.contains(program) {
                findings.append("unknown program: trainee `\(trainee.id)` is held to completion set `\(program)`, which competencies.yml does not define — "
                                + "restore it, or `trellis trainee edit \(trainee.id) --program` one of \(programs.sorted().joined(separator: ", "))")
            }
        }
        return findings
    }
}
