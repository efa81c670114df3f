import Foundation
import TrellisModel
import TrellisCurriculum

/// Everything a site is rendered from, read and checked: the curriculum as `trellis check`
/// sees it, the theme, and Lunr when it is installed.
///
/// Every build reads and renders everything. At real sizes (15–200 modules) that takes tens of
/// milliseconds, so there is no cache of parses to keep in step with the sources; what keeps a
/// rebuild cheap is writing only the files whose bytes changed (`OutputFolder.update`).
struct SiteInputs: Sendable {
    var curriculum: Curriculum
    var theme: Theme
    var options: SiteOptions
    /// The curriculum's warnings, in `trellis check`'s order.
    var warnings: [Diagnostic]
    /// Lines to show besides diagnostics, e.g. that search is disabled.
    var notices: [String]

    /// Reads and checks the sources; throws every error (the curriculum's first, then the
    /// theme's), exactly as `trellis check` reports the curriculum's.
    static func load(_ settings: SiteSettings, today: CalendarDate, linksPDFHandouts: Bool) throws(DiagnosticList) -> SiteInputs {
        let themeLoad = BackgroundWork { Theme.load(settings.theme) }
        let (curriculum, loadDiagnostics) = CurriculumLoader(directory: settings.curriculumDirectory, editions: Set(settings.editions)).load()
        let diagnostics = loadDiagnostics + CurriculumChecker(today: today).check(curriculum)
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        let theme = try themeLoad.value.get()
        let library = SearchLibrary.load(from: settings.searchLibraryPath)
        return SiteInputs(curriculum: curriculum, theme: theme,
                          options: SiteOptions(searchLibrary: library, linksPDFHandouts: linksPDFHandouts),
                          warnings: diagnostics.warnings.sortedByLocation(),
                          notices: library == nil ? [SearchLibrary.unavailableWarning(path: settings.searchLibraryPath)] : [])
    }

    /// The renderer of one edition's pages.
    func renderer(for edition: Edition) -> EditionRenderer {
        EditionRenderer(curriculum: curriculum, theme: theme, edition: edition, options: options)
    }
}
