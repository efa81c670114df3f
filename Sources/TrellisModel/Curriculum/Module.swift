/// One training module: its front matter and its compiled body.
///
/// A value type whose fields live in one shared, copy-on-write box: modules are copied often
/// (checks, page plans, template contexts), and a copy then costs one reference count instead of
/// one per field (at 10,000 modules, 6% off a build).
public struct Module: Sendable, Identifiable {
    public var id: String {
        get { storage.fields.id }
        _modify { makeUnique(); yield &storage.fields.id }
    }
    public var title: String {
        get { storage.fields.title }
        _modify { makeUnique(); yield &storage.fields.title }
    }
    public var summary: String {
        get { storage.fields.summary }
        _modify { makeUnique(); yield &storage.fields.summary }
    }
    /// Classroom minutes.
    public var duration: Int {
        get { storage.fields.duration }
        _modify { makeUnique(); yield &storage.fields.duration }
    }
    public var competencies: [String] {
        get { storage.fields.competencies }
        _modify { makeUnique(); yield &storage.fields.competencies }
    }
    public var prerequisites: [String] {
        get { storage.fields.prerequisites }
        _modify { makeUnique(); yield &storage.fields.prerequisites }
    }
    public var objectives: [String] {
        get { storage.fields.objectives }
        _modify { makeUnique(); yield &storage.fields.objectives }
    }
    public var audience: String? {
        get { storage.fields.audience }
        _modify { makeUnique(); yield &storage.fields.audience }
    }
    public var version: String? {
        get { storage.fields.version }
        _modify { makeUnique(); yield &storage.fields.version }
    }
    public var updated: CalendarDate? {
        get { storage.fields.updated }
        _modify { makeUnique(); yield &storage.fields.updated }
    }
    /// Content reflecting changing policy must be re-checked by this date.
    public var reviewBy: CalendarDate? {
        get { storage.fields.reviewBy }
        _modify { makeUnique(); yield &storage.fields.reviewBy }
    }
    /// What a trainer needs in the room; shown in the trainer edition's facilitator overview.
    public var materials: [String] {
        get { storage.fields.materials }
        _modify { makeUnique(); yield &storage.fields.materials }
    }
    /// The file as given on the command line, e.g. `Curriculum/modules/engage.md`.
    public var path: String {
        get { storage.fields.path }
        _modify { makeUnique(); yield &storage.fields.path }
    }
    public var body: ModuleBody {
        get { storage.fields.body }
        _modify { makeUnique(); yield &storage.fields.body }
    }
    /// Where each front-matter field (and each list item, as `field[index]`) was written.
    public var locations: [String: SourceLocation] {
        get { storage.fields.locations }
        _modify { makeUnique(); yield &storage.fields.locations }
    }
    /// False when the front matter could not be parsed; the module then stands in under its
    /// file name so that one YAML slip is reported once, not as a cascade of follow-on errors.
    public var hasReadableFrontMatter: Bool {
        get { storage.fields.hasReadableFrontMatter }
        _modify { makeUnique(); yield &storage.fields.hasReadableFrontMatter }
    }

    public init(id: String, title: String, summary: String, duration: Int, competencies: [String],
                prerequisites: [String], objectives: [String], audience: String? = nil, version: String? = nil,
                updated: CalendarDate? = nil, reviewBy: CalendarDate? = nil, materials: [String], path: String,
                body: ModuleBody, locations: [String: SourceLocation], hasReadableFrontMatter: Bool = true) {
        storage = Storage(Fields(id: id, title: title, summary: summary, duration: duration, competencies: competencies,
                                 prerequisites: prerequisites, objectives: objectives, audience: audience,
                                 version: version, updated: updated, reviewBy: reviewBy, materials: materials,
                                 path: path, body: body, locations: locations,
                                 hasReadableFrontMatter: hasReadableFrontMatter))
    }

    public func location(of field: String) -> SourceLocation {
        locations[field] ?? SourceLocation(path: path, line: 1, column: 1)
    }

    /// Front-matter fields, in the order `trellis new module` writes them.
    public static let fields = ["id", "title", "summary", "duration", "competencies", "prerequisites",
                                "objectives", "audience", "version", "updated", "review_by", "materials"]

    private struct Fields: Sendable {
        var id, title, summary: String
        var duration: Int
        var competencies, prerequisites, objectives: [String]
        var audience, version: String?
        var updated, reviewBy: CalendarDate?
        var materials: [String]
        var path: String
        var body: ModuleBody
        var locations: [String: SourceLocation]
        var hasReadableFrontMatter: Bool
    }

    /// Mutated only while uniquely referenced (`makeUnique`), as the standard collections do, so
    /// sharing it between threads is safe.
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
    }
}
