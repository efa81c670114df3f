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
        #expect(diagnostics.diagnostics.first?.description.contains("pass a theme folder with --theme, or leave --theme out to use the built-in theme") == true, "\(diagnostics)")
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

    /// The built-in theme is `Site/` as it was when `trellis` was built: the same site, byte for byte.
    @Test func theBuiltInThemeBuildsTheSameSiteAsSite() throws {
        let scratch = try ScratchDirectory()
        func build(_ theme: Theme.Location, into output: String) throws {
            let settings = SiteSettings(curriculumDirectory: Fixtures.valid, theme: theme, outputDirectory: scratch.path + "/" + output,
                                        editions: Edition.allCases, searchLibraryPath: "/nonexistent/lunr.min.js")
            _ = try SiteCompiler(settings: settings, today: Fixtures.today, clean: true).build()
        }
        try build(.folder(Fixtures.theme), into: "from-folder")
        try build(.builtIn, into: "built-in")
        var folder = try snapshot(of: scratch.path + "/from-folder"), builtIn = try snapshot(of: scratch.path + "/built-in")
        // The build stamp records where the theme came from; everything else is the same.
        folder = folder.filter { !$0.key.hasSuffix(".trellis-build.json") }
        builtIn = builtIn.filter { !$0.key.hasSuffix(".trellis-build.json") }
        #expect(!folder.isEmpty && folder == builtIn)
        #expect(folder.keys.contains("trainee/static/trellis.css"))
    }

    /// `trellis theme eject` writes the built-in theme out unchanged, and never over a file.
    @Test func ejectWritesTheThemeOnceAndNeverOverwrites() throws {
        let scratch = try ScratchDirectory()
        let written = try BuiltInTheme.eject(to: scratch.path + "/Site")
        #expect(written.contains("templates/layout.mustache") && written.contains("static/trellis.css"))
        #expect(try snapshot(of: scratch.path + "/Site") == (try snapshot(of: Fixtures.theme)))
        try "my change".write(toFile: scratch.path + "/Site/static/trellis.css", atomically: true, encoding: .utf8)
        #expect(throws: AtomicDirectory.WriteError.self) { try BuiltInTheme.eject(to: scratch.path + "/Site") }
        #expect(try String(contentsOfFile: scratch.path + "/Site/static/trellis.css", encoding: .utf8) == "my change")
        guard case .success = Theme.load(from: scratch.path + "/Site") else { Issue.record("an ejected theme loads"); return }
    }
}
