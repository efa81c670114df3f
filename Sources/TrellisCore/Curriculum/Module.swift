/// One training module: its front matter and its compiled body.
public struct Module: Sendable, Identifiable {
    public var id: String
    public var title: String
    public var summary: String
    /// Classroom minutes.
    public var duration: Int
    public var competencies: [String]
    public var prerequisites: [String]
    public var objectives: [String]
    public var audience: String?
    public var version: String?
    public var updated: CalendarDate?
    /// Content reflecting changing policy must be re-checked by this date.
    public var reviewBy: CalendarDate?
    /// What a trainer needs in the room; shown in the trainer edition's facilitator overview.
    public var materials: [String]

    /// The file as given on the command line, e.g. `Curriculum/modules/engage.md`.
    public var path: String
    public var body: ModuleBody
    /// Where each front-matter field (and each list item, as `field[index]`) was written.
    public var locations: [String: SourceLocation]
    /// False when the front matter could not be parsed; the module then stands in under its
    /// file name so that one YAML slip is reported once, not as a cascade of follow-on errors.
    public var hasReadableFrontMatter = true

    public func location(of field: String) -> SourceLocation {
        locations[field] ?? SourceLocation(path: path, line: 1, column: 1)
    }

    /// Front-matter fields, in the order `trellis new module` writes them.
    public static let fields = ["id", "title", "summary", "duration", "competencies", "prerequisites",
                                "objectives", "audience", "version", "updated", "review_by", "materials"]
}
