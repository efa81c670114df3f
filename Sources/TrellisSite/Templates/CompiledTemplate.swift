import TrellisCore
import Mustache

/// A theme template as a tree that renders `TemplateValue` contexts, with the meaning
/// swift-mustache gives it.
///
/// swift-mustache stays the templates' parser and the reference for what they mean: it reads
/// every template (and reports its syntax errors), and the tree here is made from the tokens
/// its parser produced, so whitespace, standalone lines, partials and `{{<layout}}`
/// inheritance come out exactly as swift-mustache writes them (tests render every page both
/// ways and compare). What changes is how a page is rendered: swift-mustache looks every name
/// up in an `[String: Any]` through dynamic casts, which was a quarter of building a large site.
///
/// The tokens are not public API, so they are read by reflection. Whatever is not recognised
/// — a later swift-mustache's tokens, transforms such as `{{uppercased(name)}}`, dynamic
/// partials — makes `compile` return nil, and `Theme` renders that template with swift-mustache.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(NamePath, escaped: Bool)
        case section(NamePath, inverted: Bool, body: [Node])
        /// `{{>name}}` (no overrides) or `{{<name}}…{{/name}}` (with the `{{$block}}`s it overrides).
        case partial(name: String, indentation: String?, overrides: [String: [Node]]?)
        /// `{{$name}}default{{/name}}` in a template others inherit from.
        case block(name: String, defaultBody: [Node], indentation: String?)
        /// `{{% CONTENT_TYPE: … }}`: how the rest of the template escapes variables.
        case escaping(TextEscaping)
    }

    /// A variable's name, split once at compile time.
    struct NamePath: Sendable {
        enum Start: Sendable {
            /// `{{.}}`, or a name with no parts: the innermost value.
            case current
            /// `{{.name}}`: looked up in the innermost value only.
            case innermost
            /// `{{name.part}}`: the first part looked up from the innermost value outwards.
            case climbing
        }
        var start: Start
        var parts: [String]

        init(_ name: String) {
            if name == "." {
                (start, parts) = (.current, [])
            } else {
                let parts = name.split(separator: ".").map(String.init)
                self.parts = parts
                start = name.first == "." ? .innermost : parts.isEmpty ? .current : .climbing
            }
        }
    }

    var nodes: [Node]

    /// The template's tree, or nil when it uses something this renderer leaves to swift-mustache.
    static func compile(_ template: MustacheTemplate) -> CompiledTemplate? {
        TokenReader.nodes(of: template).map(CompiledTemplate.init)
    }
}

/// How `{{variable}}` escapes text: the site's byte-level HTML escaping, swift-mustache's own
/// HTML escaping (what a partial starts with), or a content type a template names.
enum TextEscaping: Sendable {
    case page
    case html
    case custom(any MustacheContentType)

    init(_ contentType: any MustacheContentType) {
        self = contentType is PageEscaping ? .page : .custom(contentType)
    }

    func append(_ text: String, to output: inout String) {
        switch self {
        case .page: output += HTMLText.escape(text)
        case .html: output += Self.characterEscaped(text)
        case .custom(let contentType): output += contentType.escapeText(text)
        }
    }

    /// swift-mustache's HTML escaping, Character by Character: a `<` that a combining mark
    /// joins into one Character is left as it is. Only partials that set no content type use it.
    static func characterEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// Reads swift-mustache's parsed tokens by reflection (see `CompiledTemplate`).
private enum TokenReader {
    static func nodes(of template: MustacheTemplate) -> [CompiledTemplate.Node]? {
        guard let tokens = Mirror(reflecting: template).descendant("tokens") as? [Any] else { return nil }
        var nodes: [CompiledTemplate.Node] = []
        nodes.reserveCapacity(tokens.count)
        for token in tokens {
            guard let node = node(of: token) else { return nil }
            nodes.append(node)
        }
        return nodes
    }

    private static func node(of token: Any) -> CompiledTemplate.Node? {
        let mirror = Mirror(reflecting: token)
        guard mirror.displayStyle == .enum, let payload = mirror.children.first, let kind = payload.label else { return nil }
        let fields = Mirror(reflecting: payload.value).displayStyle == .tuple
            ? Mirror(reflecting: payload.value).children.map(\.value) : [payload.value]
        switch (kind, fields.count) {
        case ("text", 1):
            return (fields[0] as? String).map(CompiledTemplate.Node.text)
        case ("variable", 2), ("unescapedVariable", 2):
            guard let name = fields[0] as? String, let transforms = fields[1] as? [String], transforms.isEmpty else { return nil }
            return .variable(.init(name), escaped: kind == "variable")
        case ("section", 3), ("invertedSection", 3):
            guard let name = fields[0] as? String, let transforms = fields[1] as? [String], transforms.isEmpty,
                  let body = fields[2] as? MustacheTemplate, let nodes = nodes(of: body) else { return nil }
            return .section(.init(name), inverted: kind == "invertedSection", body: nodes)
        case ("blockExpansion", 3):
            guard let name = fields[0] as? String, let body = fields[1] as? MustacheTemplate, let nodes = nodes(of: body),
                  let indentation = optional(fields[2], String.self) else { return nil }
            return .block(name: name, defaultBody: nodes, indentation: indentation)
        case ("partial", 3):
            guard let name = fields[0] as? String, let indentation = optional(fields[1], String.self),
                  let inherits = optional(fields[2], [String: MustacheTemplate].self) else { return nil }
            var overrides: [String: [CompiledTemplate.Node]]?
            if let inherits {
                overrides = [:]
                for (block, body) in inherits {
                    guard let nodes = nodes(of: body) else { return nil }
                    overrides?[block] = nodes
                }
            }
            return .partial(name: name, indentation: indentation, overrides: overrides)
        case ("contentType", 1):
            return (fields[0] as? any MustacheContentType).map { .escaping(TextEscaping($0)) }
        default:
            // `dynamicNamePartial`, or a token a later swift-mustache added.
            return nil
        }
    }

    /// An `Optional<Wrapped>` held in an `Any`: `.some(nil)` when it is nil, nil when it is not such an optional.
    private static func optional<Wrapped>(_ value: Any, _: Wrapped.Type) -> Wrapped?? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return nil }
        guard let wrapped = mirror.children.first?.value else { return .some(nil) }
        return (wrapped as? Wrapped).map { .some($0) }
    }
}

/// Renders compiled templates, looking partials up among the theme's compiled templates.
struct TemplateRenderer: Sendable {
    var templates: [String: CompiledTemplate]

    /// The scope a template's nodes render in, apart from the context stack.
    private struct Scope {
        var indentation: String?
        var overrides: [String: [CompiledTemplate.Node]]?
        var escaping: TextEscaping
    }

    /// - Parameter capacity: the expected size in bytes, when known (a module page: its body and
    ///   some), so the page is not copied each time it outgrows its buffer.
    func render(_ template: CompiledTemplate, _ context: TemplateObject, capacity: Int = 0) -> String {
        var output = ""
        output.reserveCapacity(capacity)
        var stack: [TemplateValue] = [.object(context)]
        render(template.nodes, Scope(indentation: nil, overrides: nil, escaping: .html), &stack, into: &output)
        return output
    }

    /// One template (a whole template, a section's body, a block) as swift-mustache's
    /// `MustacheTemplate.render(context:)`: within a partial indented by a standalone tag, a
    /// node that writes something after this template's own output ends a line starts with the indentation.
    private func render(_ nodes: [CompiledTemplate.Node], _ scope: Scope, _ stack: inout [TemplateValue], into output: inout String) {
        var scope = scope
        guard let indentation = scope.indentation, !indentation.isEmpty else {
            for node in nodes { render(node, &scope, &stack, into: &output) }
            return
        }
        var own = ""
        for node in nodes {
            var piece = ""
            render(node, &scope, &stack, into: &piece)
            if !piece.isEmpty, own.last == "\n" { own += indentation }
            own += piece
        }
        output += own
    }

    private func render(_ node: CompiledTemplate.Node, _ scope: inout Scope, _ stack: inout [TemplateValue], into output: inout String) {
        switch node {
        case .text(let text):
            output += text
        case .variable(let path, let escaped):
            guard let value = Self.lookUp(path, in: stack) else { return }
            let text: String
            switch value {
            case .text(let string): text = string
            case .number(let number): text = String(number)
            case .flag(let flag): text = flag ? "true" : "false"
            case .list, .object: text = String(describing: value.mustacheValue)
            }
            if escaped { scope.escaping.append(text, to: &output) } else { output += text }
        case .section(let path, let inverted, let body):
            let value = Self.lookUp(path, in: stack)
            if inverted {
                switch value {
                case .list(let items) where items.isEmpty:
                    stack.append(value!)
                    render(body, scope, &stack, into: &output)
                    stack.removeLast()
                case .flag(false), nil: render(body, scope, &stack, into: &output)
                default: break
                }
                return
            }
            switch value {
            case .list(let items):
                for item in items {
                    stack.append(item)
                    render(body, scope, &stack, into: &output)
                    stack.removeLast()
                }
            case .flag(let flag):
                if flag { render(body, scope, &stack, into: &output) }
            case .text, .number, .object:
                stack.append(value!)
                render(body, scope, &stack, into: &output)
                stack.removeLast()
            case nil: break
            }
        case .partial(let name, let indentation, let overrides):
            guard let partial = templates[name] else { return }
            var inner = Scope(indentation: scope.indentation, overrides: scope.overrides, escaping: .html)
            if let indentation { inner.indentation = (scope.indentation ?? "") + indentation }
            if let overrides {
                // As swift-mustache: a block the outer template overrides wins over the inner one's.
                inner.overrides = scope.overrides.map { $0.merging(overrides) { outer, _ in outer } } ?? overrides
            }
            render(partial.nodes, inner, &stack, into: &output)
        case .block(let name, let defaultBody, let indentation):
            var inner = scope
            if let indentation { inner.indentation = (scope.indentation ?? "") + indentation }
            render(scope.overrides?[name] ?? defaultBody, inner, &stack, into: &output)
        case .escaping(let escaping):
            scope.escaping = escaping
        }
    }

    private static func lookUp(_ path: CompiledTemplate.NamePath, in stack: [TemplateValue]) -> TemplateValue? {
        switch path.start {
        case .current:
            return stack.last
        case .innermost:
            return descend(path.parts[...], from: stack[stack.count - 1])
        case .climbing:
            let first = path.parts[0]
            for value in stack.reversed() {
                if case .object(let fields) = value, let child = fields[first] {
                    return descend(path.parts.dropFirst(), from: child)
                }
            }
            return nil
        }
    }

    private static func descend(_ parts: ArraySlice<String>, from value: TemplateValue) -> TemplateValue? {
        var value = value
        for part in parts {
            guard case .object(let fields) = value, let child = fields[part] else { return nil }
            value = child
        }
        return value
    }
}
