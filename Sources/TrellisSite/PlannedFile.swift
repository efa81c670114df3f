import Foundation
import TrellisModel

/// One file of an edition, before it is rendered: where it goes and how it is made.
struct PlannedFile: Sendable, Hashable {
    enum Source: Sendable, Hashable {
        case page(PageKind)
        case copy(from: String)
        /// A file below the theme's `static/`.
        case themeFile(String)
    }

    var path: String
    var source: Source
}

/// The kinds of generated file, each rendered by one function of `EditionRenderer`.
enum PageKind: Sendable, Hashable {
    case home, competencyMap, notFound, search, manual, facilitator, searchLibrary, searchIndex, handoutIndex, glossary
    /// The module at this position in reading order.
    case module(position: Int)
    /// The competency at this index of the framework's competencies.
    case competency(index: Int)
    /// The handout at this index of the curriculum's handouts.
    case handout(index: Int)
}
