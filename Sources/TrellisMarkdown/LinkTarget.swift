import TrellisModel
import Foundation

/// Where a link or image in a module points, resolved against the curriculum's layout.
///
/// Trainers write links relative to the module file (`engage.md#opening`,
/// `../assets/map.png`) so they work in an editor and on a code host; the site keeps the
/// same folder shape (`modules/`, `handouts/`, `assets/`), so only `.md` → `.html` needs rewriting.
public enum LinkTarget: Equatable, Sendable {
    /// The folders of the curriculum that hold Markdown pages; a link is read from the one its file is in.
    public enum Folder: String, Sendable {
        case modules, handouts
    }

    /// Has a scheme (`https:`, `mailto:`) or is protocol-relative: left alone.
    case external
    /// `#section` within the same module.
    case sameModule(fragment: String)
    /// Another module's file, e.g. `engage.md#opening`.
    case module(id: String, fragment: String?)
    /// A handout's file, e.g. `../handouts/disclosure-menu.md`.
    case handout(id: String, fragment: String?)
    /// A file under `assets/`; the path is relative to the curriculum folder.
    case asset(path: String)
    /// A file in the curriculum folder that the site does not publish (not a module, not under `assets/`).
    case unpublished(path: String)
    /// Leaves the curriculum folder, or is an absolute path (which breaks when opened from disk).
    case outsideCurriculum

    /// Resolves a URL written in a file in `folder` (`modules/` unless said).
    ///
    /// Read as UTF-8 bytes: every character it looks for (`#`, `?`, `/`, `.`) is ASCII, and the
    /// checker and the build resolve every link of every module.
    public static func resolve(_ url: String, from folder: Folder = .modules) -> LinkTarget {
        let bytes = url.utf8
        let hash = UInt8(ascii: "#"), slash = UInt8(ascii: "/")
        guard let first = bytes.first else { return .external }
        if hasScheme(url) || (first == slash && bytes.dropFirst().first == slash) { return .external }
        if first == hash { return .sameModule(fragment: String(decoding: bytes.dropFirst(), as: UTF8.self)) }
        if first == slash { return .outsideCurriculum }

        var end = bytes.endIndex
        var fragment: String?
        if let found = bytes.firstIndex(of: hash) {
            fragment = String(url[bytes.index(after: found)...])
            end = found
        }
        if let query = bytes[..<end].firstIndex(of: UInt8(ascii: "?")) { end = query }

        var components = [folder.rawValue]
        var start = bytes.startIndex
        while start < end {
            let stop = bytes[start..<end].firstIndex(of: slash) ?? end
            if stop > start {
                let component = url[start..<stop]
                switch component {
                case ".": break
                case "..":
                    if components.isEmpty { return .outsideCurriculum }
                    components.removeLast()
                default:
                    let name = String(component)
                    // Foundation's decoding is slow for what is nearly always a plain name.
                    components.append(name.containsUTF8Byte(UInt8(ascii: "%")) ? name.removingPercentEncoding ?? name : name)
                }
            }
            start = stop < end ? bytes.index(after: stop) : end
        }
        if components.count == 2, components[1].hasSuffix(".md") {
            let id = String(components[1].dropLast(3))
            if components[0] == Folder.modules.rawValue { return .module(id: id, fragment: fragment) }
            if components[0] == Folder.handouts.rawValue { return .handout(id: id, fragment: fragment) }
        }
        let path = components.joined(separator: "/")
        if components.count >= 2, components[0] == "assets" { return .asset(path: path) }
        if components.isEmpty { return .outsideCurriculum }
        return .unpublished(path: path)
    }

    /// The URL to write into a page made from a file in `folder` (the site has the same folders).
    public static func siteURL(forSourceURL url: String, from folder: Folder = .modules) -> String {
        let target: (folder: Folder, id: String, fragment: String?)
        switch resolve(url, from: folder) {
        case .module(let id, let fragment): target = (.modules, id, fragment)
        case .handout(let id, let fragment): target = (.handouts, id, fragment)
        default: return url
        }
        let path = target.folder == folder ? target.id + ".html" : "../\(target.folder.rawValue)/\(target.id).html"
        return path + (target.fragment.map { "#" + $0 } ?? "")
    }

    /// `letter *( letter / digit / "+" / "-" / "." ) ":"` before any `/`, `?` or `#` (RFC 3986):
    /// ASCII only, so it is read as bytes.
    private static func hasScheme(_ url: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        guard let first = url.utf8.first, isLetter(first) else { return false }
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: ":"): return true
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): return false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."): continue
            default: if !isLetter(byte) { return false }
            }
        }
        return false
    }
}
