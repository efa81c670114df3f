import TrellisModel
import Foundation

/// A program completion as it stood on the day it happened: each competency's level, the
/// evidence behind it, the modules done and the framework version it was judged by.
///
/// Completion is a fact as of its date. Competencies may lapse later, and the framework may
/// change; neither alters this record. It is frozen (table `completion`, append-only like
/// evidence) the first time Trellis finds the trainee complete — on the day it happened, even
/// when that was before a later lapse — and `trellis certificate` reproduces it at any time,
/// saying separately what is current.
public struct CompletionRecord: Sendable, Codable, Hashable {
    public struct Competency: Sendable, Codable, Hashable {
        public var id: String
        public var title: String
        public var domain: String
        public var level: String
        public var earnedOn: CalendarDate?
        /// Ids of the evidence records that met the rules for that level.
        public var evidence: [String]
    }

    public var traineeID: String
    public var traineeName: String
    public var completedOn: CalendarDate
    public var curriculumTitle: String
    public var organization: String?
    public var frameworkVersion: String?
    public var completionLevel: String
    public var modulesCompleted: [String]
    public var competencies: [Competency]
    public var signatories: [String]
    /// When and by whom it was frozen.
    public var frozenAt: String
    public var frozenBy: String

    /// Why a transcript is not a completion ([] when it is).
    static func reasons(_ transcript: Transcript, _ framework: CompetencyFramework, target: Int) -> [String] {
        var reasons: [String] = []
        if !transcript.modulesRemaining.isEmpty {
            reasons.append("modules not completed: \(transcript.modulesRemaining.joined(separator: ", "))")
        }
        let below = transcript.entries.filter { $0.progress.levelRank < target }
        if !below.isEmpty {
            reasons.append("\(below.count) competenc\(below.count == 1 ? "y is" : "ies are") below \(framework.scale[target].name): " +
                           below.prefix(8).map { $0.competency.id + ($0.progress.lapsed ? " (lapsed)" : "") }.joined(separator: ", ") +
                           (below.count > 8 ? ", …" : ""))
        }
        return reasons
    }

    init(transcript: Transcript, curriculum: Curriculum, completionLevel: String, frozenAt: String, frozenBy: String) {
        let framework = curriculum.framework
        let counted = transcript.records.filter { $0.voidedBy == nil && $0.kind != .void }
        traineeID = transcript.trainee.id
        traineeName = transcript.trainee.name
        completedOn = (counted.filter { $0.kind == .moduleCompleted }.map(\.date) + transcript.entries.compactMap(\.progress.earnedOn)).max()
            ?? transcript.today
        curriculumTitle = curriculum.manifest.title
        organization = curriculum.manifest.organization
        frameworkVersion = framework.version
        self.completionLevel = completionLevel
        modulesCompleted = transcript.modulesCompleted
        competencies = transcript.entries.map { entry in
            let references = entry.progress.checks.filter(\.met).flatMap(\.requirements).flatMap(\.evidence)
            return Competency(id: entry.competency.id, title: entry.competency.title, domain: entry.domainTitle,
                              level: framework.scale.first { $0.id == entry.progress.level }?.name ?? "",
                              earnedOn: entry.progress.earnedOn, evidence: references.map { transcript.record($0).id }.uniqued())
        }
        var names = counted.filter { $0.kind == .supervisorSignoff }.compactMap(\.observer)
        if let supervisor = transcript.trainee.supervisor { names.append(supervisor) }
        signatories = names.uniqued().sorted()
        self.frozenAt = frozenAt
        self.frozenBy = frozenBy
    }
}

extension Tracker {
    /// The trainee's frozen completion record; found and frozen now if they completed the
    /// program on any day up to today and none is stored yet.
    /// - Throws: with the reasons, when the trainee has never completed the program.
    public func completionRecord(_ traineeID: String) async throws -> CompletionRecord {
        if let stored = try await storedCompletion(traineeID) { return stored }
        let framework = curriculum.framework
        guard let level = framework.progression?.completionLevel ?? framework.scale.last?.id, let target = framework.levelIndex(level) else {
            throw TrackerError("the framework defines no completion level", remedy: "set `progression.completion_level` in competencies.yml")
        }
        let now = try await transcript(traineeID)
        var found: Transcript? = CompletionRecord.reasons(now, framework, target: target).isEmpty ? now : nil
        if found == nil {
            // Completed before a later lapse? Completion can only begin on a day evidence happened.
            let days = Set(now.records.filter { $0.kind != .void && $0.voidedBy == nil }.map(\.date)).sorted()
            for day in days where day < today {
                let then = try await transcript(traineeID, asOf: day)
                if CompletionRecord.reasons(then, framework, target: target).isEmpty { found = then; break }
            }
        }
        guard let completed = found else {
            throw TrackerError("\(now.trainee.name) (\(traineeID)) has not completed the program: "
                               + CompletionRecord.reasons(now, framework, target: target).joined(separator: "; "),
                               remedy: "see `trellis progress \(traineeID)` for what is missing")
        }
        let record = CompletionRecord(transcript: completed, curriculum: curriculum, completionLevel: framework.scale[target].name,
                                      frozenAt: Timestamp.now(), frozenBy: actor)
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try await store.write { records in
            try await records.insertCompletion(of: traineeID, completedOn: record.completedOn, frameworkVersion: record.frameworkVersion,
                                         record: json, frozenAt: record.frozenAt, frozenBy: record.frozenBy)
        }
        // Another process may have frozen it first: what is stored is the record.
        return try await storedCompletion(traineeID) ?? record
    }

    /// The certificate: the frozen record, and what is current today beside it.
    public func certificate(_ traineeID: String) async throws -> Certificate {
        let record = try await completionRecord(traineeID)
        let framework = curriculum.framework
        let target = framework.progression?.completionLevel.flatMap(framework.levelIndex) ?? framework.scale.count - 1
        let reasons = CompletionRecord.reasons(try await transcript(traineeID), framework, target: target)
        let current = reasons.isEmpty
            ? "still complete: every module done and every competency at \(framework.scale[target].name) or higher"
            : "since completing, \(reasons.joined(separator: "; ")); the completion on \(record.completedOn) stands"
        return Certificate(record: record, current: current, issuedOn: today)
    }

    func storedCompletion(_ traineeID: String) async throws -> CompletionRecord? {
        try await store.read { try await $0.completionRecord(of: traineeID) }.map { try JSONDecoder().decode(CompletionRecord.self, from: Data($0.utf8)) }
    }
}
