import Foundation

/// Rewrites a module's rendered body so that every module fits on one page (`manual.html`,
/// the whole-curriculum handout printed to `pdf/manual.pdf`).
///
/// On one page, every module's `why-this-matters` heading and `callout-1` label would share an
/// id, so ids are prefixed with the module's id (`engage--why-this-matters`; module ids cannot
/// contain `--`, so no prefixed id can clash with another). Links between modules become
/// links within the page, headings move one level down under the module's own `h2`, and
/// `../` is dropped because the manual sits at the edition's root, not in `modules/`.
enum ManualBody {
    private static let attributePattern = try! NSRegularExpression(
        pattern: #"\b(id|aria-labelledby|aria-describedby|href|src)="([^"]*)""#)
    private static let headingTagPattern = try! NSRegularExpression(pattern: #"<(/?)h([1-6])\b"#)
    private static let moduleLinkPattern = try! NSRegularExpression(pattern: #"^([a-z0-9-]+)\.html(?:#(.*))?$"#)

    static func anchor(forModule id: String) -> String { "module-\(id)" }

    static func rewrite(_ html: String, moduleID: String, moduleIDs: Set<String>) -> String {
        let prefixed = replacing(attributePattern, in: html) { match, source in
            let name = source.substring(with: match.range(at: 1))
            let value = source.substring(with: match.range(at: 2))
            return "\(name)=\"\(rewrite(attribute: name, value: value, moduleID: moduleID, moduleIDs: moduleIDs))\""
        }
        return replacing(headingTagPattern, in: prefixed) { match, source in
            let level = min(Int(source.substring(with: match.range(at: 2)))! + 1, 6)
            return "<\(source.substring(with: match.range(at: 1)))h\(level)"
        }
    }

    private static func rewrite(attribute: String, value: String, moduleID: String, moduleIDs: Set<String>) -> String {
        switch attribute {
        case "id", "aria-labelledby", "aria-describedby":
            return value.split(separator: " ").map { "\(moduleID)--\($0)" }.joined(separator: " ")
        case "href" where value.hasPrefix("#"):
            return "#\(moduleID)--\(value.dropFirst())"
        case "href":
            let source = value as NSString
            if let match = moduleLinkPattern.firstMatch(in: value, range: NSRange(location: 0, length: source.length)) {
                let target = source.substring(with: match.range(at: 1))
                if moduleIDs.contains(target) {
                    return match.range(at: 2).location == NSNotFound
                        ? "#" + anchor(forModule: target)
                        : "#\(target)--\(source.substring(with: match.range(at: 2)))"
                }
            }
            return value.hasPrefix("../") ? String(value.dropFirst(3)) : value
        default:
            return value.hasPrefix("../") ? String(value.dropFirst(3)) : value
        }
    }

    private static func replacing(_ pattern: NSRegularExpression, in text: String,
                                  with replacement: (NSTextCheckingResult, NSString) -> String) -> String {
        let source = text as NSString
        var output = ""
        var position = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            output += source.substring(with: NSRange(location: position, length: match.range.location - position))
            output += replacement(match, source)
            position = match.range.location + match.range.length
        }
        return output + source.substring(from: position)
    }
}
