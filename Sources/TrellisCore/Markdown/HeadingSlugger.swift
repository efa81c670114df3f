/// Makes heading anchors the way GitHub does (github-slugger), so that a link written
/// for a code host (`engage.md#opening-the-conversation`) keeps working on the site.
///
/// Lowercase; each space becomes a hyphen; everything but letters, numbers, marks,
/// hyphens and underscores is dropped; a repeated slug gets `-1`, `-2`, … appended.
public struct HeadingSlugger: Sendable {
    private var occurrences: [String: Int] = [:]

    public init() {}

    public mutating func slug(for text: String) -> String {
        let base = HeadingSlugger.slugify(text)
        var result = base
        while occurrences[result] != nil {
            let next = (occurrences[base] ?? 0) + 1
            occurrences[base] = next
            result = "\(base)-\(next)"
        }
        occurrences[result] = 0
        return result
    }

    public static func slugify(_ text: String) -> String {
        var slug = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                slug.append("-")
            } else if scalar == "-" || scalar == "_" || isWordScalar(scalar) {
                slug.append(scalar)
            }
        }
        return String(slug)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }
}
