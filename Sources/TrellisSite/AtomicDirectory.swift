import Foundation
import TrellisModel
import TrellisCurriculum

/// Replaces a folder as a whole: the new contents are written into a temporary sibling and
/// swapped in by renaming only when complete, so a failed or interrupted build leaves the
/// previous site as it was.
public enum AtomicDirectory {
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Calls `fill` with an empty temporary folder, then swaps it into `destination`.
    public static func replace(_ destination: String, fill: (String) throws -> Void) throws {
        let fileManager = FileManager.default
        let destinationURL = URL(fileURLWithPath: destination).standardizedFileURL
        let parent = destinationURL.deletingLastPathComponent().path
        let name = destinationURL.lastPathComponent
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let temporary = join(parent, ".\(name).tmp-\(token)")
        let old = join(parent, ".\(name).old-\(token)")
        do {
            try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try fileManager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw WriteError(path: parent, reason: error.localizedDescription)
        }
        do {
            try fill(temporary)
        } catch {
            try? fileManager.removeItem(atPath: temporary)
            throw error
        }
        let hadPrevious = fileManager.fileExists(atPath: destinationURL.path)
        if hadPrevious, rename(destinationURL.path, old) != 0 {
            let reason = String(cString: strerror(errno))
            try? fileManager.removeItem(atPath: temporary)
            throw WriteError(path: destinationURL.path, reason: reason)
        }
        if rename(temporary, destinationURL.path) != 0 {
            let reason = String(cString: strerror(errno))
            if hadPrevious { _ = rename(old, destinationURL.path) }
            try? fileManager.removeItem(atPath: temporary)
            throw WriteError(path: destinationURL.path, reason: reason)
        }
        if hadPrevious { try? fileManager.removeItem(atPath: old) }
    }
}
