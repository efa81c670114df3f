/// `curriculum.yml`: the curriculum's title and the ordered tracks of modules.
public struct CurriculumManifest: Sendable {
    public struct Track: Sendable, Identifiable {
        public var id: String
        public var title: String
        public var moduleIDs: [String]
        public var location: SourceLocation
        public var moduleLocations: [SourceLocation]

        public init(id: String, title: String, moduleIDs: [String], location: SourceLocation, moduleLocations: [SourceLocation]) {
            self.id = id
            self.title = title
            self.moduleIDs = moduleIDs
            self.location = location
            self.moduleLocations = moduleLocations
        }
    }

    /// A day (or period) of the suggested schedule shown on the home page.
    public struct ScheduleEntry: Sendable {
        public var day: String
        public var focus: String
        public var trackIDs: [String]
        /// The modules taught that day, in order; a day may name modules, tracks or both.
        public var moduleIDs: [String]
        public var location: SourceLocation
        public var moduleLocations: [SourceLocation]

        public init(day: String, focus: String, trackIDs: [String], moduleIDs: [String] = [], location: SourceLocation,
                    moduleLocations: [SourceLocation] = []) {
            self.day = day
            self.focus = focus
            self.trackIDs = trackIDs
            self.moduleIDs = moduleIDs
            self.location = location
            self.moduleLocations = moduleLocations
        }
    }

    public var title: String
    public var organization: String?
    public var description: String?
    public var tracks: [Track]
    public var schedule: [ScheduleEntry]
    public var path: String

    public static let fields = ["title", "organization", "description", "audience", "tracks", "schedule"]

    public init(title: String, organization: String? = nil, description: String? = nil, tracks: [Track], schedule: [ScheduleEntry], path: String) {
        self.title = title
        self.organization = organization
        self.description = description
        self.tracks = tracks
        self.schedule = schedule
        self.path = path
    }
}
