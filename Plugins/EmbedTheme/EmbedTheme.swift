import Foundation
import PackagePlugin

/// Embeds the repository's theme (`Site/templates` and `Site/static`) in TrellisSite, and the
/// web tracker's pages (`TrackerWeb/templates` and `TrackerWeb/static`) in TrellisTrackerWeb,
/// as generated Swift source, so that `trellis` carries them wherever it is installed. SwiftPM resources are not used: on Linux `Bundle.module` resolves to the
/// absolute build folder, which is gone once the binary is installed elsewhere.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        // The folder each target embeds, and the type whose `files` the generated source declares.
        let (folder, type) = target.name == "TrellisTrackerWeb" ? ("TrackerWeb", "TrackerWebFiles") : ("Site", "BuiltInTheme")
        let site = context.package.directoryURL.appending(path: folder)
        let files = try Self.themeFiles(in: site)
        let output = context.pluginWorkDirectoryURL.appending(path: "\(type)Embedded.swift")
        return [.buildCommand(displayName: "Embedding \(folder)/ in \(target.name)",
                              executable: try context.tool(named: "EmbedThemeTool").url,
                              arguments: [output.path, type, site.path] + files,
                              inputFiles: files.map { site.appending(path: $0) },
                              outputFiles: [output])]
    }

    /// The theme's files, relative to `site`, sorted; hidden files are left out.
    static func themeFiles(in site: URL) throws -> [String] {
        var found: [String] = []
        for folder in ["templates", "static"] {
            let root = site.appending(path: folder)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                found.append(folder + "/" + url.path.dropFirst(root.path.count + 1))
            }
        }
        return found.sorted()
    }
}
