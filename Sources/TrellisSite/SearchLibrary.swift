import Foundation
import TrellisModel

/// Lunr, the search engine the site runs in the browser, taken from Debian's `libjs-lunr`
/// at build time rather than committed: the distribution keeps it patched, and the project
/// ships no third-party code of its own.
public struct SearchLibrary: Sendable, Equatable {
    /// Where Debian's `libjs-lunr` installs the minified library.
    public static let debianPath = "/usr/share/javascript/lunr/lunr.min.js"

    /// The library's source, ready to be written to `static/lunr.min.js`.
    public var script: String

    public init(script: String) { self.script = script }

    /// Reads the library from `path`; nil when it is not installed there.
    ///
    /// The trailing `sourceMappingURL` comment is dropped: the map is not copied, and a
    /// reference to a missing file would show as a failed load in a browser's developer tools.
    public static func load(from path: String = debianPath) -> SearchLibrary? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              text.contains("lunr") else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("//# sourceMappingURL=") }
        return SearchLibrary(script: lines.joined(separator: "\n"))
    }

    /// The one line `trellis build` prints when the library is missing.
    public static func unavailableWarning(path: String = debianPath) -> String {
        "warning: search is disabled: the Lunr library is not at \(path) — install it with `apt-get install libjs-lunr` and build again"
    }
}
