import TrellisModel
import Foundation

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
    /// Every module completed, in track order.
    public var modulesCompleted: [String]
    /// The modules the trainee's completion set requires that are not completed yet.
    public var modulesRemaining: [String]
    /// The modules the trainee's completion set requires.
    public var modulesRequired: [String]
    /// What the trainee's completion requires; nil when their `program` names a set the
    /// framework no longer has (`problem` says so).
    public var target: CompletionTarget?
    public var problem: TrackerError?
    /// Hours of supervised field work on record.
    public var fieldHours: Double
    /// What completion still needs, in words ([] when every requirement is met).
    public var completionGaps: [String]
    public var today: CalendarDate

    /// The record an explanation's reference points at.
    public func record(_ reference: Int) -> EvidenceRecord { records[reference] }
}

extension Tracker {
    /// - Parameter day: the transcript as it stood at the end of that day (evidence after it
    ///   left out; corrections by void still apply, a voided record was a mistake on any day).
    public func transcript(_ traineeID: String, asOf day: CalendarDate? = nil) async throws -> Transcript {
        let trainee = try await self.trainee(traineeID)
        let today = day ?? self.today
        let records = try await evidence(of: traineeID).filter { day == nil || $0.date <= today }
        return transcript(of: trainee, records: records, today: today, engine: ProgressEngine(curriculum: curriculum))
    }

    /// Several trainees' transcripts from one read of their records (a cohort dashboard, a
    /// sign-off queue), in the order given.
    public func transcripts(of trainees: [Trainee]) async throws -> [Transcript] {
        let records = try await store.read { try await $0.evidence(.trainees(trainees.map(\.id))) }
        let byTrainee = Dictionary(grouping: records, by: \.traineeID)
        let engine = ProgressEngine(curriculum: curriculum)
        return trainees.map { transcript(of: $0, records: byTrainee[$0.id] ?? [], today: today, engine: engine) }
    }

    private func transcript(of trainee: Trainee, records: [EvidenceRecord], today: CalendarDate, engine: ProgressEngine) -> Transcript {
        let facts = records.enumerated().compactMap { index, record in engine.fact(from: record, reference: index) }
        let progress = engine.derive(facts, today: today, detail: true)
        let framework = curriculum.framework
        var entries: [Transcript.Entry] = []
        for (index, competency) in framework.competencies.enumerated() {
            let domain = framework.domains.first { $0.id == competency.domainID }?.title ?? ""
            entries.append(.init(competency: competency, domainTitle: domain, progress: progress[index]))
        }
        let completed = Set(records.filter { $0.kind == .moduleCompleted && $0.voidedBy == nil }.compactMap { $0.subject?.id })
        var target: CompletionTarget?, problem: TrackerError?
        do { target = try engine.completionTarget(for: trainee) } catch { problem = error }
        let required = target?.requiredModules.map { engine.moduleIDs[$0] } ?? engine.moduleIDs
        let fieldHours = engine.fieldHours(facts[...])
        let gaps = target?.reasons(ranks: progress.map(\.levelRank), lapsed: progress.map(\.lapsed),
                                   completedModules: Set(completed.compactMap { engine.moduleIndex[$0] }), fieldHours: fieldHours, engine: engine)
            ?? [problem?.message ?? "no completion set applies"]
        return Transcript(trainee: trainee, entries: entries, records: records,
                          modulesCompleted: engine.moduleIDs.filter { completed.contains($0) },
                          modulesRemaining: required.filter { !completed.contains($0) }, modulesRequired: required,
                          target: target, problem: problem, fieldHours: fieldHours, completionGaps: gaps, today: today)
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
                    competencies: record.competencies.compactMap { competencyIndex[$0] }, reference: reference,
                    hours: record.kind == .fieldHours ? record.hours : nil,
                    observer: record.kind == .observedPractice ? record.observer.map(Fact.label) : nil,
                    category: record.kind == .continuingEducation ? record.category.map(Fact.label) : nil)
    }
}

/// Every trainee's derived progress at once, for reports: one read of the per-trainee fact
/// digests, then one pass per trainee — never a query per trainee or per cell.
public struct ProgramSnapshot: Sendable {
    public struct Row: Sendable {
        public var trainee: Trainee
        /// One cell per competency, in framework order (`engine.competencyIDs`).
        public var progress: [ProgressCell]
        /// Indexes (`engine.moduleIDs`) of the modules completed.
        public var completedModules: Set<Int>
        public var modulesCompleted: Int { completedModules.count }
        public var fieldHours: Double
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
    public func snapshot(_ filter: TraineeFilter = TraineeFilter()) async throws -> ProgramSnapshot {
        let engine = ProgressEngine(curriculum: curriculum)
        let (program, education) = try await store.read { records -> (ProgramFacts, [EvidenceRecord]) in
            let program = try await records.programFacts(engine)
            // Continuing education only matters for trainees tracked against a credential.
            let credentialed = program.trainees.contains { $0.credential != nil }
            return (program, credentialed ? try await records.evidence(.kind(.continuingEducation)) : [])
        }
        let credentialed = Set(program.trainees.filter { $0.credential != nil }.map(\.id))
        var ledgers: [String: [EvidenceRecord]] = [:]
        for record in education where record.voidedBy == nil && credentialed.contains(record.traineeID) {
            ledgers[record.traineeID, default: []].append(record)
        }
        let selected = program.trainees.indices.filter { index in
            let trainee = program.trainees[index]
            return (filter.cohort == nil || trainee.cohort == filter.cohort) && (filter.site == nil || trainee.site == filter.site)
                && (filter.status == nil || trainee.status == filter.status)
        }
        let today = self.today
        let ledgersByTrainee = ledgers
        // Each trainee's facts go through the one progress engine, on all cores.
        let rows = selected.concurrentMap { index -> ProgramSnapshot.Row in
            let trainee = program.trainees[index], facts = program.facts[index]
            let progress = engine.derive(facts, today: today, detail: false)
            let modules = Set(facts.compactMap { fact -> Int? in
                guard fact.kind == .moduleCompleted, case .module(let module) = fact.subject else { return nil }
                return module
            })
            let lastCoaching = facts.filter { $0.kind == .coachingSession }.map(\.day).max()
            return ProgramSnapshot.Row(trainee: trainee, progress: progress.map(ProgressCell.init),
                                       completedModules: modules, fieldHours: engine.fieldHours(facts[...]), lastCoaching: lastCoaching.map(CalendarDate.init(dayNumber:)),
                                       continuingEducation: ledgersByTrainee[trainee.id] ?? [], completedOn: program.completions[trainee.id])
        }
        return ProgramSnapshot(engine: engine, rows: rows, today: today)
    }
}
