import Testing
import TrellisTestSupport
@testable import TrellisSite

/// The theme's templates escape what they print.
@Suite struct ThemeEscapingTests {
    /// The site's own escaping (`PageEscaping`) is what the theme's templates use.
    @Test func theThemeEscapesVariables() throws {
        let theme = try Theme.load(from: Fixtures.theme).get()
        let page = theme.render("not-found", ["pageTitle": "<Lost> & \"found\"", "root": "", "site": ["title": "T's"]])
        #expect(page.contains("&lt;Lost&gt; &amp; &quot;found&quot;"), "\(page)")
        #expect(!page.contains("<Lost>"))
    }
}
