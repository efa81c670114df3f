import Foundation
import TrellisModel

/// Where a site is built from and to: what `trellis build` and `trellis serve` share.
public struct SiteSettings: Sendable, Hashable {
    public var curriculumDirectory: String
    public var theme: Theme.Location
    public var outputDirectory: String
    public var editions: [Edition]
    public var searchLibraryPath: String

    public init(curriculumDirectory: String, theme: Theme.Location, outputDirectory: String,
                editions: [Edition], searchLibraryPath: String = SearchLibrary.debianPath) {
        self.curriculumDirectory = curriculumDirectory
        self.theme = theme
        self.outputDirectory = outputDirectory
        self.editions = Array(Set(editions)).sorted()
        self.searchLibraryPath = searchLibraryPath
    }

    public init(curriculumDirectory: String, themeDirectory: String, outputDirectory: String,
                editions: [Edition], searchLibraryPath: String = SearchLibrary.debianPath) {
        self.init(curriculumDirectory: curriculumDirectory, theme: .folder(themeDirectory), outputDirectory: outputDirectory,
                  editions: editions, searchLibraryPath: searchLibraryPath)
    }

    /// The theme's folder; nil for the built-in theme.
    public var themeDirectory: String? {
        if case .folder(let directory) = theme { return directory }
        return nil
    }

    /// The folders a build reads: the curriculum, and the theme's unless it is built in.
    public var sourceDirectories: [String] { [curriculumDirectory] + [themeDirectory].compactMap { $0 } }

    /// The output folder is replaced or rewritten, so it must never be (or contain, or be
    /// inside) the curriculum or the theme.
    public func checkOutputLocation() throws(AtomicDirectory.WriteError) {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let output = canonical(outputDirectory)
        for source in sourceDirectories.map(canonical)
        where source == output || source.hasPrefix(output + "/") || output.hasPrefix(source + "/") {
            throw AtomicDirectory.WriteError(path: outputDirectory,
                                             reason: "the output folder overlaps the sources in \(source); choose another --output")
        }
    }
}
