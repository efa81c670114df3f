/// `competencies.yml`: the proficiency scale, the domains and competencies, and the rules
/// that turn a trainee's evidence into a level.
public struct CompetencyFramework: Sendable {
    public struct Level: Sendable, Identifiable, Hashable {
        public var id: String
        public var name: String
        public var description: String
    }

    public struct Competency: Sendable, Identifiable {
        public var id: String
        public var title: String
        public var description: String
        public var indicators: [String]
        /// SAMHSA Core Competencies for Peer Workers categories (1–12).
        public var samhsa: [Int]
        public var domainID: String
        public var location: SourceLocation
    }

    public struct Domain: Sendable, Identifiable {
        public var id: String
        public var title: String
        public var competencies: [Competency]
        public var location: SourceLocation
    }

    /// What one level of the scale requires, beyond the levels below it.
    public struct LevelRule: Sendable, Hashable {
        public enum ModuleRequirement: String, Sendable, Hashable {
            case none, any, all
        }
        public var levelID: String
        public var modules: ModuleRequirement = .none
        public var knowledgeCheckMinScore: Int?
        public var observedPractice: String?
        public var supervisorSignoff: Bool = false
        public var coachingSessions: Int = 0
        public var location: SourceLocation
    }

    public struct Progression: Sendable {
        /// Months without continuing education or coaching on a competency before its level lapses; 0 = never.
        public var lapseAfterMonths: Int
        public var rules: [LevelRule]
        /// The level every competency must reach (and hold) for the program to be complete.
        public var completionLevel: String?
    }

    public var title: String
    public var version: String?
    public var scale: [Level]
    public var domains: [Domain]
    public var samhsaCategories: [Int: String]
    public var progression: Progression?
    public var path: String

    public var competencies: [Competency] { domains.flatMap(\.competencies) }

    public func competency(_ id: String) -> Competency? {
        for domain in domains { if let found = domain.competencies.first(where: { $0.id == id }) { return found } }
        return nil
    }

    /// Whether a competency has this id (a scan that copies nothing: asked for every module).
    public func defines(competency id: String) -> Bool {
        domains.contains { domain in domain.competencies.contains { $0.id == id } }
    }

    public func levelIndex(_ id: String) -> Int? { scale.firstIndex { $0.id == id } }

    public static let fields = ["title", "version", "scale", "samhsa_categories", "progression", "domains"]
}
