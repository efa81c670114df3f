import Foundation
import TrellisTemplates
import TrellisModel
import TrellisHashing

/// What every page of one edition shares, computed once per build.
struct SharedContext: Sendable {
    let curriculum: Curriculum
    let edition: Edition
    let ordered: [Module]
    let modulesByCompetency: [String: [Module]]
    let options: SiteOptions
    /// Digest of the ids of the modules in reading order: the manual's links between modules depend on them.
    let moduleIDsDigest: ContentDigest
    /// The title of the (first) track that lists each module.
    private let trackTitles: [String: String]

    init(curriculum: Curriculum, edition: Edition, ordered: [Module], options: SiteOptions) {
        self.curriculum = curriculum
        self.edition = edition
        self.ordered = ordered
        self.modulesByCompetency = curriculum.modulesByCompetency
        self.options = options
        var digest = DigestBuilder("module ids")
        digest.add(ordered.map(\.id).sorted())
        self.moduleIDsDigest = digest.finish()
        var trackTitles: [String: String] = [:]
        for track in curriculum.manifest.tracks {
            for id in track.moduleIDs where trackTitles[id] == nil { trackTitles[id] = track.title }
        }
        self.trackTitles = trackTitles
    }

    /// As `Curriculum.track(containing:)?.title`, without searching every track.
    func trackTitle(of moduleID: String) -> String { trackTitles[moduleID] ?? "" }

    /// The inside of a CSS string literal of `text`: quotes, backslashes and line breaks escaped.
    static func cssString(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n", "\r", "\r\n": escaped += "\\a "
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The framework's proficiency scale, as the competency pages and the map show it.
    var scale: TemplateValue {
        .list(curriculum.framework.scale.map { ["name": .text($0.name), "description": .text($0.description)] })
    }

    /// What every page's layout shows: its title, the way back to the site's root, the site.
    func page(title: String, root: String, current: String) -> TemplateObject {
        [
            "pageTitle": .text(title),
            // The printed pages' running footer (a CSS string in the layout): the whole
            // curriculum's title on the manual, else the page's.
            "runningTitle": .text(Self.cssString(current == "manual" ? curriculum.manifest.title : title)),
            "root": .text(root),
            "site": ["title": .text(curriculum.manifest.title), "organization": .text(curriculum.manifest.organization ?? ""),
                     "hasHandouts": .flag(curriculum.handouts.contains { $0.isPublished(in: edition) }),
                     "hasGlossary": .flag(curriculum.glossary != nil)],
            "edition": .text(edition.rawValue),
            "editionTitle": .text(edition.title),
            "isTrainer": .flag(edition == .trainer),
            "current": .object([current: true]),
            "searchAvailable": .flag(options.searchLibrary != nil),
            "hasPDFs": .flag(options.linksPDFHandouts),
        ]
    }
}
