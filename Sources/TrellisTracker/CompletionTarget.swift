import TrellisModel

/// A completion set (`CompletionSet`) in the progress engine's numbering: the rank each
/// competency must reach and the modules that must be done. Reports judge ten thousand
/// trainees against it, so it is worked out once per set, not per trainee.
public struct CompletionTarget: Sendable {
    public let set: CompletionSet
    /// For each competency index, the rank on the scale it must reach; nil when not required.
    public let requiredRank: [Int?]
    /// Module indexes (track order) that build a required competency: these must be completed.
    public let requiredModules: [Int]

    init(set: CompletionSet, engine: ProgressEngine) {
        self.set = set
        var ranks = Array(repeating: Int?.none, count: engine.competencyIDs.count)
        for requirement in set.requirements {
            if let index = engine.competencyIndex[requirement.competencyID] {
                ranks[index] = engine.framework.levelIndex(requirement.levelID) ?? engine.framework.scale.count
            }
        }
        requiredRank = ranks
        requiredModules = engine.moduleIDs.indices.filter { module in engine.competenciesOfModule[module].contains { ranks[$0] != nil } }
    }

    /// How many competencies the set requires.
    public var competencyCount: Int { requiredRank.lazy.filter { $0 != nil }.count }

    /// Whether competency `index` at rank `rank` (-1 = none) meets the set (true when not required).
    public func meets(_ index: Int, rank: Int) -> Bool {
        guard let required = requiredRank[index] else { return true }
        return rank >= required
    }

    /// Why a trainee with these levels (rank per competency, after lapses) and completed modules
    /// has not completed the set ([] when they have), in words.
    func reasons(ranks: [Int], lapsed: [Bool], completedModules: Set<Int>, fieldHours: Double, engine: ProgressEngine) -> [String] {
        var reasons: [String] = []
        if fieldHours < set.fieldHoursMin {
            reasons.append("field hours: \(HoursText.format(fieldHours)) of \(HoursText.format(set.fieldHoursMin))")
        }
        let remaining = requiredModules.filter { !completedModules.contains($0) }
        if !remaining.isEmpty {
            reasons.append("modules not completed: \(remaining.map { engine.moduleIDs[$0] }.joined(separator: ", "))")
        }
        let below = requiredRank.indices.filter { !meets($0, rank: ranks[$0]) }
        if !below.isEmpty {
            let scale = engine.framework.scale
            func name(_ rank: Int) -> String { rank < scale.count ? scale[rank].name : "a level the scale lacks" }
            let levels = Set(below.compactMap { requiredRank[$0] })
            let oneLevel = levels.count == 1 ? levels.first : nil
            let names = below.prefix(8).map { index in
                engine.competencyIDs[index] + (oneLevel == nil ? " (needs \(name(requiredRank[index] ?? 0)))" : "") + (lapsed[index] ? " (lapsed)" : "")
            }
            reasons.append("\(below.count) competenc\(below.count == 1 ? "y is" : "ies are") below \(oneLevel.map(name) ?? "the level required"): "
                           + names.joined(separator: ", ") + (below.count > 8 ? ", …" : ""))
        }
        return reasons
    }
}

extension ProgressEngine {
    /// Every completion set's target, by set id.
    public var completionTargets: [String: CompletionTarget] {
        Dictionary(framework.completionSets.map { ($0.id, CompletionTarget(set: $0, engine: self)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The completion target a trainee is held to: their program's set, else the framework's first.
    /// - Throws: when the trainee's program names a set the framework no longer has.
    public func completionTarget(for trainee: Trainee) throws(TrackerError) -> CompletionTarget {
        guard let set = framework.completionSet(trainee.program) else {
            throw TrackerError.field("program", trainee.program ?? "", "is not a completion set in competencies.yml",
                                     remedy: "set another with `trellis trainee edit \(trainee.id) --program …`: "
                                         + framework.completionSets.map(\.id).joined(separator: ", "))
        }
        return CompletionTarget(set: set, engine: self)
    }
}
