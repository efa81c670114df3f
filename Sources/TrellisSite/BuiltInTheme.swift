import Foundation
import TrellisModel

/// The theme built into `trellis`: the repository's `Site/`, embedded at build time by the
/// EmbedTheme plugin (`BuiltInThemeEmbedded.swift`, generated). A curriculum needs no theme folder
/// of its own; `trellis theme eject` writes this one out for restyling.
public enum BuiltInTheme {
    /// The files below `templates/` and `static/`, by path below the theme folder.
    static var byPath: [String: EmbeddedFile] {
        Dictionary(files.map { ($0.path, $0.content) }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes the built-in theme into `directory` (created if missing), which `trellis build`
    /// then uses. Writes nothing when any of its files is already there.
    /// - Returns: the paths written, relative to `directory`.
    public static func eject(to directory: String) throws(AtomicDirectory.WriteError) -> [String] {
        let existing = files.map(\.path).filter { FileManager.default.fileExists(atPath: join(directory, $0)) }
        if let first = existing.first {
            throw AtomicDirectory.WriteError(path: join(directory, first),
                                             reason: "it exists already (\(existing.count) of the theme's \(files.count) files do); nothing was written — "
                                                 + "eject into an empty folder, or keep the theme you have")
        }
        for (path, content) in files {
            let target = join(directory, path)
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(content.bytes).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
            } catch {
                throw AtomicDirectory.WriteError(path: target, reason: error.localizedDescription)
            }
        }
        return files.map(\.path)
    }
}
