import TrellisCore
/// A value a page template shows: what `{{name}}` prints and what `{{#name}}` tests or repeats.
///
/// The pages' contexts are built from these rather than from the `[String: Any]` that
/// swift-mustache takes, so that rendering a page looks names up in dictionaries instead of
/// asking the runtime, for every name on every page, which protocols an `Any` conforms to.
/// `mustacheValue` turns one back into what swift-mustache expects, for the templates
/// `CompiledTemplate` leaves to it.
enum TemplateValue: Sendable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// A list of texts, e.g. a module's objectives for `{{#objectives}}<li>{{.}}</li>{{/objectives}}`.
    static func texts(_ texts: [String]) -> TemplateValue { .list(texts.map(TemplateValue.text)) }

    /// The same value as swift-mustache's context expects it: `String`, `Int`, `Bool`, `[Any]`, `[String: Any]`.
    var mustacheValue: Any {
        switch self {
        case .text(let text): return text
        case .number(let number): return number
        case .flag(let flag): return flag
        case .list(let items): return items.map(\.mustacheValue)
        case .object(let fields): return fields.mapValues(\.mustacheValue)
        }
    }
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
