/// `curriculum.yml`: the curriculum's title and the ordered tracks of modules.
public struct CurriculumManifest: Sendable {
    public struct Track: Sendable, Identifiable {
        public var id: String
        public var title: String
        public var moduleIDs: [String]
        public var location: SourceLocation
        public var moduleLocations: [SourceLocation]
    }

    /// A day (or period) of the suggested schedule shown on the home page.
    public struct ScheduleEntry: Sendable {
        public var day: String
        public var focus: String
        public var trackIDs: [String]
        public var location: SourceLocation
    }

    public var title: String
    public var organization: String?
    public var description: String?
    public var tracks: [Track]
    public var schedule: [ScheduleEntry]
    public var path: String

    public static let fields = ["title", "organization", "description", "tracks", "schedule"]
}
