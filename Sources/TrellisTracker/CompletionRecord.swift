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
    /// The level required: one level's name, or "the level each competency requires" when the
    /// set asks different levels of different competencies.
    public var completionLevel: String
    /// The completion set it was judged by, and its title (absent in records frozen before
    /// completion sets, which required every competency).
    public var program: String?
    public var programTitle: String?
    public var modulesCompleted: [String]
    public var competencies: [Competency]
    public var signatories: [String]
    /// When and by whom it was frozen.
    public var frozenAt: String
    public var frozenBy: String

    init(transcript: Transcript, target: CompletionTarget, curriculum: Curriculum, frozenAt: String, frozenBy: String) {
        let framework = curriculum.framework
        let counted = transcript.records.filter { $0.voidedBy == nil && $0.kind != .void }
        traineeID = transcript.trainee.id
        traineeName = transcript.trainee.name
        // The day the last requirement of the set was met: a required module done, a required
        // competency earned, or the field hours reached.
        let required = Set(transcript.modulesRequired)
        var firstDone: [String: CalendarDate] = [:]
        for record in counted where record.kind == .moduleCompleted {
            if let id = record.subject?.id, required.contains(id), firstDone[id].map({ record.date < $0 }) ?? true { firstDone[id] = record.date }
        }
        let earned = transcript.entries.filter { target.set.requiredLevel(of: $0.competency.id) != nil }.compactMap(\.progress.earnedOn)
        var hoursReached: CalendarDate?
        if target.set.fieldHoursMin > 0 {
            var total = 0.0
            for record in counted.filter({ $0.kind == .fieldHours }).sorted(by: { $0.date < $1.date }) {
                total += record.hours ?? 0
                if total >= target.set.fieldHoursMin { hoursReached = record.date; break }
            }
        }
        completedOn = (Array(firstDone.values) + earned + [hoursReached].compactMap { $0 }).max() ?? transcript.today
        curriculumTitle = curriculum.manifest.title
        organization = curriculum.manifest.organization
        frameworkVersion = framework.version
        let levels = Set(target.set.requirements.map(\.levelID))
        completionLevel = levels.count == 1 ? framework.scale.first { $0.id == levels.first }?.name ?? levels.first! : "the level each competency requires"
        program = target.set.id
        programTitle = target.set.title
        modulesCompleted = transcript.modulesCompleted
        competencies = transcript.entries.filter { target.set.requiredLevel(of: $0.competency.id) != nil }.map { entry in
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
        let now = try await transcript(traineeID)
        guard let target = now.target else { throw now.problem ?? TrackerError("no completion set applies", remedy: "define `completion:` in competencies.yml") }
        var found: Transcript? = now.completionGaps.isEmpty ? now : nil
        if found == nil {
            // Completed before a later lapse? Completion can only begin on a day evidence happened.
            let days = Set(now.records.filter { $0.kind != .void && $0.voidedBy == nil }.map(\.date)).sorted()
            for day in days where day < today {
                let then = try await transcript(traineeID, asOf: day)
                if then.completionGaps.isEmpty { found = then; break }
            }
        }
        guard let completed = found else {
            throw TrackerError("\(now.trainee.name) (\(traineeID)) has not completed \(target.set.title): "
                               + now.completionGaps.joined(separator: "; "),
                               remedy: "see `trellis progress \(traineeID)` for what is missing")
        }
        let record = CompletionRecord(transcript: completed, target: target, curriculum: curriculum, frozenAt: Timestamp.now(), frozenBy: actor)
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
        let reasons = try await transcript(traineeID).completionGaps
        let current = reasons.isEmpty
            ? "still complete: every required module done and every required competency at its level or higher"
            : "since completing, \(reasons.joined(separator: "; ")); the completion on \(record.completedOn) stands"
        return Certificate(record: record, current: current, issuedOn: today)
    }

    func storedCompletion(_ traineeID: String) async throws -> CompletionRecord? {
        try await store.read { try await $0.completionRecord(of: traineeID) }.map { try JSONDecoder().decode(CompletionRecord.self, from: Data($0.utf8)) }
    }
}
