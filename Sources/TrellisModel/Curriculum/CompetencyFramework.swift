/// `competencies.yml`: the proficiency scale, the domains and competencies, and the rules
/// that turn a trainee's evidence into a level.
public struct CompetencyFramework: Sendable {
    public struct Level: Sendable, Identifiable, Hashable {
        public var id: String
        public var name: String
        public var description: String

        public init(id: String, name: String, description: String) {
            self.id = id
            self.name = name
            self.description = description
        }
    }

    public struct Competency: Sendable, Identifiable {
        /// The file name of its page (`competencies/<name>.html`): the id in lowercase, as every
        /// page path is, so `LS1` is `ls1.html`.
        public var pageName: String { id.lowercased() }

        public var id: String
        public var title: String
        public var description: String
        public var indicators: [String]
        /// SAMHSA Core Competencies for Peer Workers categories (1–12).
        public var samhsa: [Int]
        /// What practice at each level of the scale looks like, by level id: the anchors a coach
        /// rates observed practice against (levels without an anchor are absent).
        public var rubric: [String: String]
        public var domainID: String
        public var location: SourceLocation

        public init(id: String, title: String, description: String, indicators: [String], samhsa: [Int], rubric: [String: String] = [:],
                    domainID: String, location: SourceLocation) {
            self.id = id
            self.title = title
            self.description = description
            self.indicators = indicators
            self.samhsa = samhsa
            self.rubric = rubric
            self.domainID = domainID
            self.location = location
        }
    }

    public struct Domain: Sendable, Identifiable {
        public var id: String
        public var title: String
        public var competencies: [Competency]
        public var location: SourceLocation

        public init(id: String, title: String, competencies: [Competency], location: SourceLocation) {
            self.id = id
            self.title = title
            self.competencies = competencies
            self.location = location
        }
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
        /// With `observedPractice`: how many observations rated at that level or higher, and by
        /// how many different observers (one coach's opinion is not two).
        public var observationsMin: Int = 1
        public var observersMin: Int = 1
        public var supervisorSignoff: Bool = false
        public var coachingSessions: Int = 0
        public var location: SourceLocation

        public init(levelID: String, modules: ModuleRequirement = .none, knowledgeCheckMinScore: Int? = nil, observedPractice: String? = nil,
                    observationsMin: Int = 1, observersMin: Int = 1, supervisorSignoff: Bool = false, coachingSessions: Int = 0,
                    location: SourceLocation) {
            self.levelID = levelID
            self.modules = modules
            self.knowledgeCheckMinScore = knowledgeCheckMinScore
            self.observedPractice = observedPractice
            self.observationsMin = observationsMin
            self.observersMin = observersMin
            self.supervisorSignoff = supervisorSignoff
            self.coachingSessions = coachingSessions
            self.location = location
        }
    }

    public struct Progression: Sendable {
        /// Months without continuing education or coaching on a competency before its level lapses; 0 = never.
        public var lapseAfterMonths: Int
        public var rules: [LevelRule]
        /// The level a completion set requires when it names none (and the level of the one
        /// implicit set of a framework without `completion:`).
        public var completionLevel: String?
        /// Which competencies continuing education in each category renews (`renewal:`), by
        /// category; nil when the framework has no such map, and then any continuing education
        /// without a module or competency renews every competency, as before the map existed.
        public var renewal: [String: [String]]?

        public init(lapseAfterMonths: Int, rules: [LevelRule], completionLevel: String? = nil, renewal: [String: [String]]? = nil) {
            self.lapseAfterMonths = lapseAfterMonths
            self.rules = rules
            self.completionLevel = completionLevel
            self.renewal = renewal
        }
    }

    public var title: String
    public var version: String?
    public var scale: [Level]
    public var domains: [Domain]
    public var samhsaCategories: [Int: String]
    public var progression: Progression?
    /// The sets `completion:` defines, in file order ([] when it is absent: see `completionSets`).
    public var namedCompletionSets: [CompletionSet]
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

    public static let fields = ["title", "version", "scale", "samhsa_categories", "progression", "completion", "domains"]

    public init(title: String, version: String? = nil, scale: [Level], domains: [Domain], samhsaCategories: [Int: String], progression: Progression? = nil,
                namedCompletionSets: [CompletionSet] = [], path: String) {
        self.title = title
        self.version = version
        self.scale = scale
        self.domains = domains
        self.samhsaCategories = samhsaCategories
        self.progression = progression
        self.namedCompletionSets = namedCompletionSets
        self.path = path
    }
}
