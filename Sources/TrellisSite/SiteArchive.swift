import Foundation
import TrellisModel
import TrellisCurriculum
import ZIPFoundation

/// A built edition as one zip file (`<output>/<edition>.zip`): what a coordinator copies to a
/// USB stick or a shared drive. It unpacks to a folder named after the edition, so opening
/// `trainee/index.html` from the unpacked copy works like the original.
///
/// The archive is deterministic — entries in sorted order with a fixed date and fixed
/// permissions — so the same site always gives the same zip.
public enum SiteArchive {
    /// Every entry's modification date: 2000-01-01 12:00 UTC. A build's own time would make
    /// each zip differ; zip's DOS dates cannot go before 1980.
    static let fixedDate = Date(timeIntervalSince1970: 946_728_000)

    /// The entry names for the files under `folder`: each parent folder first, then files, sorted.
    public static func entryNames(folder: String, rootName: String) -> [String] {
        entries(folder: folder, rootName: rootName).map(\.name)
    }

    /// Writes `folder` into a new zip at `destination` (which must not exist yet).
    public static func write(folder: String, rootName: String, to destination: String) throws(AtomicDirectory.WriteError) {
        do {
            let archive = try Archive(url: URL(fileURLWithPath: destination), accessMode: .create)
            for entry in entries(folder: folder, rootName: rootName) {
                if let source = entry.source {
                    let data = try Data(contentsOf: URL(fileURLWithPath: source))
                    let provider: Provider = { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
                    try archive.addEntry(with: entry.name, type: .file, uncompressedSize: Int64(data.count),
                                         modificationDate: fixedDate, permissions: 0o644, compressionMethod: .deflate,
                                         provider: provider)
                } else {
                    let provider: Provider = { _, _ in Data() }
                    try archive.addEntry(with: entry.name, type: .directory, uncompressedSize: Int64(0),
                                         modificationDate: fixedDate, permissions: 0o755, provider: provider)
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw AtomicDirectory.WriteError(path: destination, reason: "could not write the zip: \(error)")
        }
    }

    /// A sibling path to write the zip to before it replaces `destination` by renaming.
    static func temporaryPath(for destination: String) -> String {
        let url = URL(fileURLWithPath: destination).standardizedFileURL
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        return join(url.deletingLastPathComponent().path, ".\(url.lastPathComponent).tmp-\(token)")
    }

    /// Moves a finished zip into place in one step, replacing the previous one.
    static func publish(_ temporary: String, as destination: String) throws(AtomicDirectory.WriteError) {
        if rename(temporary, destination) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw AtomicDirectory.WriteError(path: destination, reason: reason)
        }
    }

    private struct Entry {
        var name: String
        /// The file to store; nil for a folder entry.
        var source: String?
    }

    private static func entries(folder: String, rootName: String) -> [Entry] {
        let files = listFilesRecursively(folder)
        var folders: Set<String> = [rootName]
        for file in files {
            var parent = (file as NSString).deletingLastPathComponent
            while !parent.isEmpty {
                folders.insert(rootName + "/" + parent)
                parent = (parent as NSString).deletingLastPathComponent
            }
        }
        let all = folders.map { Entry(name: $0 + "/", source: nil) }
            + files.map { Entry(name: rootName + "/" + $0, source: join(folder, $0)) }
        return all.sorted { $0.name < $1.name }
    }
}
