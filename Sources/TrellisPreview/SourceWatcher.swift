import Foundation
import TrellisModel
import TrellisSite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Notices changes below a few folders (the curriculum and the theme).
///
/// On Linux it waits on inotify, so a save is noticed at once rather than at the next poll;
/// elsewhere, or when inotify cannot be used, it compares every file's `stat` every 150 ms.
/// Either way a change is confirmed by comparing `stat`s, so events for files that did not
/// really change (an editor's swap file being touched twice) do not cause rebuilds, and a
/// new folder is watched as soon as it appears.
final class SourceWatcher: @unchecked Sendable {
    private let directories: [String]
    private var snapshot: [String: FileStatus]
    #if canImport(Glibc)
    private var inotify: Int32 = -1
    private var watchedFolders: Set<String> = []
    #endif
    /// How often to compare `stat`s when there is no inotify (or as a safety net with it).
    private let pollInterval: TimeInterval
    private var lastScan = Date()

    init(directories: [String]) {
        self.directories = directories
        #if canImport(Glibc)
        pollInterval = 2.0
        inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        #else
        pollInterval = 0.15
        #endif
        snapshot = [:]
        snapshot = scan()
    }

    /// Waits up to `timeout` seconds; returns the files (or, when only folders changed, the
    /// folders) below the watched folders that were added, removed or changed, sorted.
    func waitForChanges(timeout: TimeInterval) -> [String] {
        #if canImport(Glibc)
        if inotify >= 0 {
            var descriptor = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(timeout * 1000))
            if ready > 0 {
                drainEvents()
                // Editors often write a file in several steps: let them finish.
                usleep(10_000)
                drainEvents()
                return rescan()
            }
            if Date().timeIntervalSince(lastScan) >= pollInterval { return rescan() }
            return []
        }
        #endif
        let wait = max(0, pollInterval - Date().timeIntervalSince(lastScan))
        if wait > 0 { Thread.sleep(forTimeInterval: min(wait, timeout)) }
        if Date().timeIntervalSince(lastScan) < pollInterval { return [] }
        return rescan()
    }

    func close() {
        #if canImport(Glibc)
        if inotify >= 0 { Glibc.close(inotify) }
        inotify = -1
        #endif
    }

    deinit { close() }

    private func rescan() -> [String] {
        let fresh = scan()
        defer { snapshot = fresh }
        let changed = Set(fresh.keys).union(snapshot.keys).filter { fresh[$0] != snapshot[$0] }
        let files = changed.filter { !$0.hasSuffix("/") }
        return (files.isEmpty ? changed : files).sorted()
    }

    /// Every file and folder below the watched folders with its `stat` (following links,
    /// as the build does); watches any folder not watched yet.
    private func scan() -> [String: FileStatus] {
        lastScan = Date()
        var statuses: [String: FileStatus] = [:]
        for directory in directories {
            let tree = FileTree.walk(directory)
            watch(directory)
            for folder in tree.directories {
                watch(join(directory, folder))
                statuses[join(directory, folder) + "/"] = FileStatus.of(join(directory, folder)).map {
                    FileStatus(kind: $0.kind, size: 0, modified: 0, changed: 0, inode: $0.inode)
                }
            }
            for (path, status) in tree.files {
                let absolute = join(directory, path)
                statuses[absolute] = status.kind == .symbolicLink ? (FileStatus.of(absolute) ?? status) : status
            }
        }
        return statuses
    }

    private func watch(_ folder: String) {
        #if canImport(Glibc)
        guard inotify >= 0, !watchedFolders.contains(folder) else { return }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                          | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
        if inotify_add_watch(inotify, folder, mask) >= 0 { watchedFolders.insert(folder) }
        #endif
    }

    #if canImport(Glibc)
    private func drainEvents() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            // A removed folder's watch is gone; forget it so that a new folder of the same name is watched.
            watchedFolders = watchedFolders.filter { FileStatus.of($0)?.kind == .directory }
        }
    }
    #endif
}
