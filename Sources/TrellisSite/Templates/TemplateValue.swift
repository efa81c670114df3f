import TrellisModel
import Mustache

/// A value a page template shows: what `{{name}}` prints and what `{{#name}}` tests or repeats.
///
/// The pages' contexts are typed values rather than `[String: Any]`, so that building one
/// checks its shape at compile time and a page's context is `Sendable`.
enum TemplateValue: Sendable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// A list of texts, e.g. a module's objectives for `{{#objectives}}<li>{{.}}</li>{{/objectives}}`.
    static func texts(_ texts: [String]) -> TemplateValue { .list(texts.map(TemplateValue.text)) }

}

/// swift-mustache sees each value as what it stands for, through its public protocols: a
/// page's context is handed to it as it is, with no copy into `[String: Any]`. Text is a
/// `MustacheCustomRenderable` and an object a `MustacheParent` of its own (not a dictionary,
/// whose conformance is conditional): swift-mustache asks the runtime which protocols a value
/// conforms to for every name on every page, and these answers are the quick ones.
extension TemplateValue: MustacheCustomRepresentation {
    var representation: Any? {
        switch self {
        case .text(let text): RenderedText(text: text)
        case .number(let number): number
        case .flag(let flag): flag
        case .list(let items): items
        case .object(let fields): TemplateFields(fields: fields)
        }
    }
}

/// Text as a template prints it (escaped by the template's content type).
struct RenderedText: MustacheCustomRenderable {
    var text: String
    var renderText: String { text }
    var isNull: Bool { false }
}

/// An object's fields, looked up by name.
struct TemplateFields: MustacheParent {
    var fields: TemplateObject
    func child(named name: String) -> Any? { fields[name] }
}

/// The fields of a template context or of one of its objects, by name.
typealias TemplateObject = [String: TemplateValue]

extension TemplateValue: ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .flag(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(TemplateObject(elements, uniquingKeysWith: { _, last in last }))
    }
}
