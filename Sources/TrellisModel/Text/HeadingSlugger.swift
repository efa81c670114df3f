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
        if let slug = asciiSlug(text) { return slug }
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

    /// The same slug for ASCII text, byte by byte: most headings are ASCII, and Unicode's
    /// lowercasing and character categories cost more than the rest of slugging.
    private static func asciiSlug(_ text: String) -> String? {
        var slug: [UInt8] = []
        slug.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                slug.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                slug.append(byte + 32)
            case UInt8(ascii: " "):
                slug.append(UInt8(ascii: "-"))
            case 0x80...:
                return nil
            default:
                continue
            }
        }
        return String(decoding: slug, as: UTF8.self)
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
