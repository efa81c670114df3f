/// Everything loaded from a curriculum folder.
public struct Curriculum: Sendable {
    /// The folder as given (e.g. `Curriculum`), used to build the paths shown in diagnostics.
    public var directory: String
    public var manifest: CurriculumManifest
    public var framework: CompetencyFramework
    /// Modules sorted by file name.
    public var modules: [Module]
    /// Files under `assets/`, relative to the curriculum folder (`assets/map.png`), sorted.
    public var assets: [String]
    /// Credential renewal rules from `credentials.yml` (optional file).
    public var credentials: [CredentialRule] = []
    /// Handouts from `handouts/*.md`, sorted by file name.
    public var handouts: [Handout] = []
    /// Terms from `glossary.yml` (optional file).
    public var glossary: Glossary?

    public func module(_ id: String) -> Module? { moduleIndex[id].map { modules[$0] } }

    private var moduleIndex: [String: Int]

    public init(directory: String, manifest: CurriculumManifest, framework: CompetencyFramework,
                modules: [Module], assets: [String]) {
        self.directory = directory
        self.manifest = manifest
        self.framework = framework
        self.modules = modules
        self.assets = assets
        var index: [String: Int] = [:]
        for (position, module) in modules.enumerated() where index[module.id] == nil {
            index[module.id] = position
        }
        self.moduleIndex = index
    }

    public func handout(_ id: String) -> Handout? { handouts.first { $0.id == id } }

    /// The handouts published in `edition` that support `moduleID`, by file name.
    public func handouts(for moduleID: String, in edition: Edition) -> [Handout] {
        handouts.filter { $0.isPublished(in: edition) && $0.moduleIDs.contains(moduleID) }
    }

    /// Modules in reading order: tracks in order, then modules within each track.
    public var modulesInTrackOrder: [Module] {
        manifest.tracks.flatMap { track in track.moduleIDs.compactMap { module($0) } }
    }

    public func track(containing moduleID: String) -> CurriculumManifest.Track? {
        manifest.tracks.first { $0.moduleIDs.contains(moduleID) }
    }

    /// Total classroom minutes of the modules placed in tracks.
    public var totalMinutes: Int { modulesInTrackOrder.reduce(0) { $0 + $1.duration } }

    /// For each competency id, the modules that build it, in reading order.
    public var modulesByCompetency: [String: [Module]] {
        var result: [String: [Module]] = [:]
        for module in modulesInTrackOrder {
            for competency in Set(module.competencies) { result[competency, default: []].append(module) }
        }
        return result
    }
}
