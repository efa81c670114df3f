/// What one program's completion requires: which competencies, each at which level.
///
/// A framework can name several (`completion:` in `competencies.yml`), because one curriculum
/// often serves more than one role: a trainee peer specialist completes without the
/// supervision competencies that a supervisor track requires. Completion also needs every
/// module that builds a required competency; modules that build none are not required.
public struct CompletionSet: Sendable, Hashable, Identifiable {
    /// One required competency and the level it must reach (and hold, without a lapse).
    public struct Requirement: Sendable, Hashable {
        public var competencyID: String
        public var levelID: String

        public init(competencyID: String, levelID: String) {
            self.competencyID = competencyID
            self.levelID = levelID
        }
    }

    public var id: String
    public var title: String
    /// In framework order.
    public var requirements: [Requirement]
    /// Hours of supervised field work (`field-hours` evidence) completion needs; 0 = none.
    public var fieldHoursMin: Double
    /// Where the set is defined (or `competencies.yml` itself for the implicit one).
    public var location: SourceLocation

    public init(id: String, title: String, requirements: [Requirement], fieldHoursMin: Double = 0, location: SourceLocation) {
        self.id = id
        self.title = title
        self.requirements = requirements
        self.fieldHoursMin = fieldHoursMin
        self.location = location
    }

    /// The level `competencyID` must reach, or nil when this set does not require it.
    public func requiredLevel(of competencyID: String) -> String? {
        requirements.first { $0.competencyID == competencyID }?.levelID
    }

    /// The id of the one set a framework without `completion:` has.
    public static let implicitID = "program"
}

extension CompetencyFramework {
    /// The framework's completion sets: those `completion:` names, or else one (`program`) that
    /// requires every competency at `progression.completion_level` (the highest level when that
    /// is not given either), as frameworks written before completion sets meant.
    public var completionSets: [CompletionSet] {
        if !namedCompletionSets.isEmpty { return namedCompletionSets }
        let level = progression?.completionLevel ?? scale.last?.id ?? ""
        let name = scale.first { $0.id == level }?.name ?? level
        return [CompletionSet(id: CompletionSet.implicitID, title: "every competency at \(name)",
                              requirements: competencies.map { .init(competencyID: $0.id, levelID: level) },
                              location: SourceLocation(path: path, line: 1, column: 1))]
    }

    /// The set a trainee is held to: the one they are assigned, else the first.
    public func completionSet(_ id: String?) -> CompletionSet? {
        let sets = completionSets
        guard let id else { return sets.first }
        return sets.first { $0.id == id }
    }
}
