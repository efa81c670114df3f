import Foundation
import TrellisModel
import TrellisCurriculum
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file: enough to tell, without reading it, that it has not changed.
///
/// Size, modification time, change time and inode together catch an edit, a `touch`, and an
/// editor's save-by-rename; FileManager's attributes are avoided because they cost several
/// times more per file, and a no-change build stats every source and output file.
package struct FileStatus: Sendable, Hashable {
    package enum Kind: UInt8, Sendable { case regular, directory, symbolicLink, other }

    package var kind: Kind
    package var size: Int64
    /// Nanoseconds since 1970.
    package var modified: Int64
    package var changed: Int64
    package var inode: UInt64

    package init(kind: Kind, size: Int64, modified: Int64, changed: Int64, inode: UInt64) {
        self.kind = kind
        self.size = size
        self.modified = modified
        self.changed = changed
        self.inode = inode
    }

    /// `stat` (following symbolic links, as reading a source does) or `lstat`; nil when missing.
    package static func of(_ path: String, followingLinks: Bool = true) -> FileStatus? {
        var info = stat()
        let result = followingLinks ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        let kind: Kind = type == S_IFREG ? .regular : type == S_IFDIR ? .directory : type == S_IFLNK ? .symbolicLink : .other
        #if canImport(Darwin)
        let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        let changed = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
        #else
        let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        #endif
        return FileStatus(kind: kind, size: Int64(info.st_size), modified: modified, changed: changed, inode: UInt64(info.st_ino))
    }

    /// Now, in the same units as `modified`.
    package static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000_000).rounded())
    }
}

/// Small file-system operations for writing the site, each safe to interrupt.
package enum FileTree {
    /// Every entry below `root` that is not a directory (files and symbolic links, hidden ones
    /// too), by path relative to `root`, with its `lstat`; and every directory below `root`.
    package static func walk(_ root: String) -> (files: [String: FileStatus], directories: [String]) {
        var files: [String: FileStatus] = [:]
        var directories: [String] = []
        func visit(_ relative: String) {
            let absolute = relative.isEmpty ? root : join(root, relative)
            guard let directory = opendir(absolute) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                    String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                guard let status = FileStatus.of(join(root, child), followingLinks: false) else { continue }
                if status.kind == .directory {
                    directories.append(child)
                    visit(child)
                } else {
                    files[child] = status
                }
            }
        }
        visit("")
        return (files, directories)
    }

    /// Creates (or truncates) `path` and lets `produce` write it through the descriptor with
    /// `writeAll`; `produce` returns 0 or the `errno` of a failed write. A failed file is removed.
    ///
    /// Plain `write(2)`, not `Data.write(to:)`: Foundation on Linux calls `fsync` after every
    /// file, which made writing a thousand pages cost more than rendering them. A site's files
    /// need no durability of their own — a build publishes them by renaming a finished folder
    /// (or, incrementally, each finished file), and a crash is repaired by building again.
    static func write(to path: String, by produce: (Int32) -> Int32) throws(AtomicDirectory.WriteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicDirectory.WriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure = produce(descriptor)
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure != 0 {
            unlink(path)
            throw AtomicDirectory.WriteError(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// `write(to:by:)` into a temporary file beside `path`, renamed into place when complete, so
    /// a reader (or the preview server) sees the old file or the new one, never half of one.
    static func writeAtomically(to path: String, by produce: (Int32) -> Int32) throws(AtomicDirectory.WriteError) {
        let temporary = temporaryPath(beside: path)
        try write(to: temporary, by: produce)
        if posixRename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw AtomicDirectory.WriteError(path: path, reason: reason)
        }
    }

    /// Writes the whole buffer, resuming after partial writes and signals; 0 or an `errno`.
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        guard var next = buffer.baseAddress else { return 0 }
        var remaining = buffer.count
        while remaining > 0 {
            let count = posixWrite(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += count
            remaining -= count
        }
        return 0
    }

    /// Copies `source` to a temporary file beside `path` and renames it into place.
    static func copyAtomically(from source: String, to path: String) throws {
        let temporary = temporaryPath(beside: path)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            try rename(temporary, to: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AtomicDirectory.WriteError(path: path, reason: (error as? AtomicDirectory.WriteError)?.reason ?? error.localizedDescription)
        }
    }

    private static func rename(_ from: String, to: String) throws {
        if posixRename(from, to) != 0 {
            throw AtomicDirectory.WriteError(path: to, reason: String(cString: strerror(errno)))
        }
    }

    private static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(token)").path
    }
}

/// `write(2)`, named apart from `FileTree.write`.
@inline(__always) private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// `rename(2)`, named apart from the many Swift functions called `rename`.
@inline(__always) private func posixRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to)
}
