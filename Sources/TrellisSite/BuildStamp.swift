import Foundation
import TrellisModel
import TrellisHashing

/// What the last build of an output folder was made from, so that a build with nothing
/// changed says so at once instead of reading, checking and rendering everything again.
///
/// It is kept because a no-change `trellis build` of 200 modules took 72 ms without it
/// (the budget is 50 ms) and takes 16 ms with it (`Benchmarks/serve_bench.py --modules 200`).
/// It holds `stat`s only — no parses, no digests, no record of what each page was made of —
/// and it is trusted only when every one of them is as recorded:
/// - the `trellis` executable, the settings and the date (review warnings depend on it);
/// - every file under the curriculum and theme folders, and Lunr;
/// - every file of every edition, as the build left it.
///
/// A source modified less than `racyWindow` before the stamp was made could have been
/// edited again within the same clock tick without changing its `stat`, so such a stamp is
/// never trusted (as Git treats "racily clean" entries). Anything else means a full build,
/// which writes only the files whose bytes changed; deleting the stamp is always safe.
package struct BuildStamp: Codable, Equatable, Sendable {
    /// In the output folder, beside the editions' folders (never inside one).
    package static let fileName = ".trellis-build.json"
    static let racyWindow: Int64 = 2_000_000_000

    struct Stat: Codable, Equatable, Sendable {
        var size: Int64
        var modified: Int64
        var changed: Int64
        var inode: UInt64

        init(_ status: FileStatus) {
            size = status.size
            modified = status.modified
            changed = status.changed
            inode = status.inode
        }
    }

    /// Everything the stamp must match: taken before the sources are read.
    struct Key: Codable, Equatable, Sendable {
        var executable: Stat?
        /// A digest of the folders, Lunr's path and the editions.
        var settings: String
        var today: String
        var sources: [String: Stat]
    }

    var key: Key
    /// When `key.sources` were taken, in `FileStatus.modified`'s units.
    var takenAt: Int64
    var outputs: [String: Stat]
    var modules: Int
    var pagesPerEdition: [String: Int]
    var warnings: [Diagnostic]
    var notices: [String]

    /// The key of a build now: `stat` of every source, the executable, the settings and date.
    ///
    /// Paths are kept relative to their folder and the settings only as a digest, so the stamp
    /// names no folder of the trainer's machine if `_site` is published whole.
    static func key(_ settings: SiteSettings, today: CalendarDate) -> Key {
        var sources: [String: Stat] = [:]
        // The built-in theme is part of the executable, whose `stat` is in the key.
        for (prefix, root) in [("curriculum/", settings.curriculumDirectory), ("theme/", settings.themeDirectory)] {
            guard let root else { continue }
            for (path, status) in FileTree.walk(root).files {
                // A link is read through, as the build reads it.
                if let status = status.kind == .symbolicLink ? FileStatus.of(join(root, path)) : status { sources[prefix + path] = Stat(status) }
            }
        }
        if let lunr = FileStatus.of(settings.searchLibraryPath) { sources["search library"] = Stat(lunr) }
        let executable = Bundle.main.executablePath.flatMap { FileStatus.of($0) }.map(Stat.init)
        var digest = DigestBuilder("site settings")
        digest.add([settings.curriculumDirectory, settings.themeDirectory ?? "(built-in theme)", settings.searchLibraryPath] + settings.editions.map(\.rawValue))
        return Key(executable: executable, settings: digest.finish().description, today: today.description, sources: sources)
    }

    /// Every file of the editions' folders, by path below the output folder.
    static func outputs(_ settings: SiteSettings) -> [String: Stat] {
        var outputs: [String: Stat] = [:]
        for edition in settings.editions {
            for (path, status) in FileTree.walk(join(settings.outputDirectory, edition.rawValue)).files {
                outputs[edition.rawValue + "/" + path] = Stat(status)
            }
        }
        return outputs
    }

    /// The stamp left by the last build, when it still describes the sources and the output.
    static func current(_ settings: SiteSettings, key: Key) -> BuildStamp? {
        guard let data = FileManager.default.contents(atPath: path(settings)),
              let stamp = try? JSONDecoder().decode(BuildStamp.self, from: data),
              stamp.key == key,
              !key.sources.values.contains(where: { $0.modified > stamp.takenAt - racyWindow }),
              stamp.outputs == outputs(settings) else { return nil }
        return stamp
    }

    /// Writes the stamp (a temporary file renamed into place); a stamp that cannot be written
    /// only means the next build is a full one.
    func save(_ settings: SiteSettings) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? FileTree.writeAtomically(to: Self.path(settings)) { descriptor in
            data.withUnsafeBytes { FileTree.writeAll($0, to: descriptor) }
        }
    }

    static func remove(_ settings: SiteSettings) {
        try? FileManager.default.removeItem(atPath: path(settings))
    }

    static func path(_ settings: SiteSettings) -> String { join(settings.outputDirectory, fileName) }
}
