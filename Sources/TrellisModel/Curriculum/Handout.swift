/// A printable handout, worksheet or guide: `handouts/<id>.md`, published as `handouts/<id>.html`.
///
/// Modules promise materials (a disclosure menu, a case-plan tracker, a supervision agreement)
/// that a trainee fills in by hand or a trainer uses in the room. They are not modules: they
/// have no minutes, objectives or competencies, are not in a track and are never tracked, so
/// they get their own small type rather than optional module fields.
public struct Handout: Sendable, Identifiable {
    public var id: String
    public var title: String
    public var summary: String
    /// The modules the handout supports; each of those module pages links to it.
    public var moduleIDs: [String]
    /// Only in the trainer edition (a facilitator guide, an answer key).
    public var trainersOnly: Bool
    public var updated: CalendarDate?
    /// As a module's: content that rests on law or policy must be re-checked by this date.
    public var reviewBy: CalendarDate?
    /// The file as given on the command line, e.g. `Curriculum/handouts/disclosure-menu.md`.
    public var path: String
    public var body: ModuleBody
    /// Where each front-matter field (and each list item, as `field[index]`) was written.
    public var locations: [String: SourceLocation]

    public init(id: String, title: String, summary: String, moduleIDs: [String], trainersOnly: Bool = false,
                updated: CalendarDate? = nil, reviewBy: CalendarDate? = nil, path: String, body: ModuleBody,
                locations: [String: SourceLocation] = [:]) {
        (self.id, self.title, self.summary, self.moduleIDs, self.trainersOnly) = (id, title, summary, moduleIDs, trainersOnly)
        (self.updated, self.reviewBy, self.path, self.body, self.locations) = (updated, reviewBy, path, body, locations)
    }

    public func location(of field: String) -> SourceLocation {
        locations[field] ?? SourceLocation(path: path, line: 1, column: 1)
    }

    /// Whether the handout is published in `edition`.
    public func isPublished(in edition: Edition) -> Bool { !trainersOnly || edition == .trainer }

    /// Front-matter fields, in the order `trellis new handout` writes them.
    public static let fields = ["id", "title", "summary", "modules", "trainers_only", "updated", "review_by"]
}
