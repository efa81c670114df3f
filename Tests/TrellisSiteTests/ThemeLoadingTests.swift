import Foundation
import Testing
@testable import TrellisModel
import TrellisTestSupport
@testable import TrellisSite

/// A theme folder that is not there is one diagnostic that names `--theme`, not one per template.
@Suite struct ThemeLoadingTests {
    @Test func aMissingThemeIsOneErrorNamingTheThemeOption() throws {
        let scratch = try ScratchDirectory()
        guard case .failure(let diagnostics) = Theme.load(from: scratch.path + "/Site") else {
            Issue.record("a missing theme must not load")
            return
        }
        #expect(diagnostics.diagnostics.count == 1)
        #expect(diagnostics.diagnostics.first?.description.contains("pass the theme folder with --theme") == true, "\(diagnostics)")
    }

    @Test func aMissingTemplateNamesTheThemeOption() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.theme, toPath: scratch.path + "/Site")
        try FileManager.default.removeItem(atPath: scratch.path + "/Site/templates/search.mustache")
        guard case .failure(let diagnostics) = Theme.load(from: scratch.path + "/Site") else {
            Issue.record("a theme without a template must not load")
            return
        }
        #expect(diagnostics.diagnostics.map(\.description).allSatisfy { $0.contains("search") && $0.contains("--theme") }, "\(diagnostics)")
    }
}
