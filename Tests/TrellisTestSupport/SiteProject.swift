import Foundation
import Testing
import TrellisModel
import TrellisSite

/// A curriculum and theme in a scratch folder, built again and again into one output
/// folder, and a way to compare the result with a clean build of the same sources.
package final class SiteProject {
    package let scratch: ScratchDirectory
    package let curriculum: String
    package let theme: String
    package let output: String
    package var searchLibraryPath: String

    package init() throws {
        scratch = try ScratchDirectory()
        curriculum = try scratch.copyOfValidCurriculum()
        theme = scratch.path + "/Site"
        try FileManager.default.copyItem(atPath: Fixtures.theme, toPath: theme)
        output = scratch.path + "/site"
        // A stand-in for Lunr, so that search-index.js is built and compared too.
        searchLibraryPath = scratch.path + "/lunr/lunr.min.js"
        try scratch.write("lunr/lunr.min.js", "/* lunr stand-in */ window.lunr = function () {};\n")
    }

    package func compiler(output: String? = nil, clean: Bool = false) -> SiteCompiler {
        SiteCompiler(curriculumDirectory: curriculum, themeDirectory: theme, outputDirectory: output ?? self.output,
                     editions: Edition.allCases, today: Fixtures.today, searchLibraryPath: searchLibraryPath, clean: clean)
    }

    /// Builds into the output folder, as `trellis build` does.
    @discardableResult
    package func build() throws -> SiteCompiler.Report { try compiler().build() }

    /// Builds and returns the files written per edition.
    package func rebuild() throws -> [Edition: [String]] {
        try build().writtenFiles.mapValues { $0.sorted() }
    }

    /// Expects the incremental output to equal, file for file and byte for byte, a clean
    /// build of the same sources into another folder.
    package func expectSameAsCleanBuild(_ step: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let clean = scratch.path + "/clean-\(UUID().uuidString)"
        _ = try compiler(output: clean).build()
        // Each folder's build stamp records its own files' inodes: it is not part of the site.
        let incremental = try snapshot(of: output).filter { $0.key != BuildStamp.fileName }
        let expected = try snapshot(of: clean).filter { $0.key != BuildStamp.fileName }
        #expect(Set(incremental.keys) == Set(expected.keys), "\(step): different files", sourceLocation: sourceLocation)
        for (path, data) in expected where incremental[path] != data {
            Issue.record("\(step): \(path) differs from a clean build", sourceLocation: sourceLocation)
        }
        #expect(try directories(of: output) == directories(of: clean), "\(step): different folders", sourceLocation: sourceLocation)
        try FileManager.default.removeItem(atPath: clean)
    }

    package func read(_ relative: String) throws -> String {
        try String(contentsOfFile: scratch.path + "/" + relative, encoding: .utf8)
    }

    package func write(_ relative: String, _ text: String) throws { try scratch.write(relative, text) }

    package func replace(_ relative: String, _ old: String, with new: String) throws {
        let text = try read(relative)
        #expect(text.contains(old), "\(relative) should contain \(old)")
        try write(relative, text.replacingOccurrences(of: old, with: new))
    }

    /// Dates every source an hour back, as a trainer's files usually are: only then does a
    /// build trust its stamp (a source modified within `BuildStamp.racyWindow` is re-read).
    package func ageSources() throws {
        let hourAgo = Date(timeIntervalSinceNow: -3600)
        for root in [curriculum, theme, (searchLibraryPath as NSString).deletingLastPathComponent] {
            for path in FileTree.walk(root).files.keys {
                try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: root + "/" + path)
            }
        }
    }

    package func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: scratch.path + "/" + relative) }

    private func directories(of root: String) throws -> [String] {
        FileTree.walk(root).directories.sorted()
    }
}
