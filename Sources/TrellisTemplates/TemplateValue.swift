import Mustache

/// A value a page template shows (the site's pages and the web tracker's): what `{{name}}` prints and what `{{#name}}` tests or repeats.
///
/// The pages' contexts are typed values rather than `[String: Any]`, so that building one
/// checks its shape at compile time and a page's context is `Sendable`.
public enum TemplateValue: Sendable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case list([TemplateValue])
    case object(TemplateObject)

    /// A list of texts, e.g. a module's objectives for `{{#objectives}}<li>{{.}}</li>{{/objectives}}`.
    public static func texts(_ texts: [String]) -> TemplateValue { .list(texts.map(TemplateValue.text)) }

}

/// swift-mustache sees each value as what it stands for, through its public protocols: a
/// page's context is handed to it as it is, with no copy into `[String: Any]`. Text is a
/// `MustacheCustomRenderable` and an object a `MustacheParent` of its own (not a dictionary,
/// whose conformance is conditional): swift-mustache asks the runtime which protocols a value
/// conforms to for every name on every page, and these answers are the quick ones.
extension TemplateValue: MustacheCustomRepresentation {
    public var representation: Any? {
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
public struct RenderedText: MustacheCustomRenderable {
    public var text: String
    public var renderText: String { text }
    public var isNull: Bool { false }
}

/// An object's fields, looked up by name.
public struct TemplateFields: MustacheParent {
    public var fields: TemplateObject
    public init(fields: TemplateObject) { self.fields = fields }
    public func child(named name: String) -> Any? { fields[name] }
}

/// The fields of a template context or of one of its objects, by name.
public typealias TemplateObject = [String: TemplateValue]

extension TemplateValue: ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(TemplateObject(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension TemplateValue {
    /// A value built as `[String: Any]` (strings, numbers, flags, lists and dictionaries of
    /// them), converted once before rendering, so that swift-mustache looks up typed values
    /// instead of casting `Any` at every name of every row. `false` and missing values are
    /// false; anything else is printed as text.
    public init(_ any: Any) {
        switch any {
        case let value as TemplateValue: self = value
        case let text as String: self = .text(text)
        case let flag as Bool: self = .flag(flag)
        case let number as Int: self = .number(number)
        case let items as [Any]: self = .list(items.map(TemplateValue.init))
        case let fields as [String: Any]: self = .object(fields.mapValues(TemplateValue.init))
        default: self = .text(String(describing: any))
        }
    }
}
