import TrellisModel
import Foundation

/// Files that hold tracker data (databases, backups, exports, dashboards, certificates).
public enum PrivateFile {
    /// Writes `data` readable by its owner only, atomically (temporary file, then rename).
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { write in try write(data) }
    }

    /// Writes what `produce` hands to its `write` function, readable by its owner only and
    /// atomically: into a temporary file that replaces `path` only once all of it is written.
    /// A failure (a full disk, an error in `produce`) leaves `path` as it was.
    public static func write(to path: String, _ produce: ((Data) throws -> Void) throws -> Void) throws {
        try refuseUnignoredGitWorkTree(path, what: "this file")
        let directory = (path as NSString).deletingLastPathComponent
        // Folders it creates are private too (a dashboard folder's listing names trainees).
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = Foundation.open(temporary, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw TrackerError("cannot write \(path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        func failed(_ error: any Error) -> TrackerError {
            TrackerError("cannot write \(path): \(error.localizedDescription)", remedy: "check free space")
        }
        do {
            try produce { data in
                do { try handle.write(contentsOf: data) } catch { throw failed(error) }
            }
            do { try handle.close() } catch { throw failed(error) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw TrackerError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Tracker data must never be committed by accident: refuse a path inside a git work
    /// tree unless git ignores it. Without git on the machine there is nothing to commit to.
    public static func refuseUnignoredGitWorkTree(_ path: String, what: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        var directory = absolute.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        guard let top = runGit(["-C", directory.path, "rev-parse", "--show-toplevel"]), top.status == 0 else { return }
        let ignored = runGit(["-C", directory.path, "check-ignore", "-q", "--no-index", absolute.path])
        if ignored?.status == 0 { return }
        let root = top.output.trimmingCharacters(in: .whitespacesAndNewlines)
        throw TrackerError("\(path) is inside the git work tree \(root) and not ignored, so \(what) could be committed",
                           remedy: "keep tracker data outside the repository (the default is \(TrackerLocation.defaultPath())), or add the path to .gitignore")
    }

    private static func runGit(_ arguments: [String]) -> (status: Int32, output: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 { return nil }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// UTC timestamps for "when was this written".
public enum Timestamp {
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
