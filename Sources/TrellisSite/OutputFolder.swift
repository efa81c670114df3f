import Foundation
import TrellisModel

/// Writing one edition's files into its folder, never leaving a file half-written.
///
/// A first or `--clean` build writes the whole edition into a new folder and swaps it in
/// (`replace`). A rebuild compares each file with the one on disk and rewrites only those
/// whose bytes differ, each through a temporary file renamed into place (`update`): the
/// result is byte for byte what `replace` writes, and `trellis serve` reloads only the pages
/// that really changed.
enum OutputFolder {
    /// An edition's files, each rendered only as it is written: a large curriculum's pages are
    /// never all in memory at once.
    struct Files: Sendable {
        var paths: [String]
        var content: @Sendable (Int) -> SiteFile.Content

        init(paths: [String], content: @escaping @Sendable (Int) -> SiteFile.Content) {
            self.paths = paths
            self.content = content
        }

        init(_ files: [SiteFile]) {
            self.init(paths: files.map(\.path)) { files[$0].content }
        }
    }

    /// Writes `files` into a new folder and swaps it in for `destination` when complete;
    /// `beforePublishing` runs with the finished folder first (`--pdf` prints from it, so a
    /// failed print leaves the previous site as it was).
    static func replace(_ destination: String, with files: Files, beforePublishing: (String) throws -> Void = { _ in }) throws {
        try AtomicDirectory.replace(destination) { folder in
            try createDirectories(for: files.paths, in: folder)
            try check(Array(files.paths.indices).concurrentMap { index in
                let path = files.paths[index]
                return Result { try files.content(index).write(to: join(folder, path), atomically: false) }.mapError { failure(path, $0) }
            }, in: folder)
            try beforePublishing(folder)
        }
    }

    /// Makes `destination` hold exactly `files`: rewrites those whose bytes differ, removes
    /// every other file and the folders left empty. Returns the paths written and removed.
    static func update(_ destination: String, to files: Files) throws(AtomicDirectory.WriteError) -> (written: [String], removed: [String]) {
        let tree = FileTree.walk(destination)
        let planned = Set(files.paths)
        let removed = tree.files.keys.filter { !planned.contains($0) }.sorted()
        for path in removed { try? FileManager.default.removeItem(atPath: join(destination, path)) }
        // A folder where a file now goes (a module renamed to the name of an old folder).
        for directory in tree.directories where planned.contains(directory) {
            try? FileManager.default.removeItem(atPath: join(destination, directory))
        }
        try createDirectories(for: files.paths, in: destination)
        let results = Array(files.paths.indices).concurrentMap { index -> Result<Bool, AtomicDirectory.WriteError> in
            let relative = files.paths[index], path = join(destination, relative), content = files.content(index)
            if let status = tree.files[relative], status.kind == .regular, content.isWritten(at: path, size: status.size) {
                return .success(false)
            }
            return Result { try content.write(to: path, atomically: true) }.map { true }.mapError { failure(relative, $0) }
        }
        try check(results, in: destination)
        // Deepest first, so a folder whose only content was an empty folder goes too.
        for directory in tree.directories.sorted(by: { $0.count > $1.count }) where !planned.contains(directory) {
            let path = join(destination, directory)
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { try? FileManager.default.removeItem(atPath: path) }
        }
        let written = zip(files.paths, results).compactMap { path, result in (try? result.get()) == true ? path : nil }
        return (written, removed)
    }

    /// Creates the folders that `paths` are in, below `folder`.
    private static func createDirectories(for paths: [String], in folder: String) throws(AtomicDirectory.WriteError) {
        let directories = Set(paths.map { ($0 as NSString).deletingLastPathComponent }).filter { !$0.isEmpty }
        for directory in directories.sorted() where FileStatus.of(join(folder, directory))?.kind != .directory {
            do {
                try FileManager.default.createDirectory(atPath: join(folder, directory), withIntermediateDirectories: true)
            } catch {
                throw AtomicDirectory.WriteError(path: join(folder, directory), reason: error.localizedDescription)
            }
        }
    }

    private static func failure(_ path: String, _ error: any Error) -> AtomicDirectory.WriteError {
        AtomicDirectory.WriteError(path: path, reason: (error as? AtomicDirectory.WriteError)?.reason ?? error.localizedDescription)
    }

    /// Throws one error naming the first file that failed and how many others did.
    private static func check<T>(_ results: [Result<T, AtomicDirectory.WriteError>], in folder: String) throws(AtomicDirectory.WriteError) {
        let failures = results.compactMap { result -> AtomicDirectory.WriteError? in
            if case .failure(let error) = result { return error } else { return nil }
        }
        if let first = failures.first {
            throw AtomicDirectory.WriteError(path: folder, reason: "\(first.path): \(first.reason)" + (failures.count > 1 ? " (and \(failures.count - 1) more)" : ""))
        }
    }
}

extension SiteFile.Content {
    /// Writes this file's content to `path`; `atomically` writes a temporary file beside it and
    /// renames it into place (a rebuild, with a preview server reading the folder).
    func write(to path: String, atomically: Bool) throws {
        switch self {
        case .copy(let source):
            if atomically { try FileTree.copyAtomically(from: source, to: path) } else { try FileManager.default.copyItem(atPath: source, toPath: path) }
        case .text(let text):
            let produce = { (descriptor: Int32) -> Int32 in
                var text = text
                return text.withUTF8 { FileTree.writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
            }
            if atomically { try FileTree.writeAtomically(to: path, by: produce) } else { try FileTree.write(to: path, by: produce) }
        case .bytes(let bytes):
            let produce = { (descriptor: Int32) -> Int32 in bytes.withUnsafeBytes { FileTree.writeAll($0, to: descriptor) } }
            if atomically { try FileTree.writeAtomically(to: path, by: produce) } else { try FileTree.write(to: path, by: produce) }
        }
    }

    /// Whether the file at `path` (of `size` bytes) already holds exactly this content.
    func isWritten(at path: String, size: Int64) -> Bool {
        switch self {
        case .copy(let source):
            guard FileStatus.of(source)?.size == size else { return false }
            return FileManager.default.contentsEqual(atPath: source, andPath: path)
        case .text(var text):
            guard text.utf8.count == size, let existing = FileManager.default.contents(atPath: path) else { return false }
            return text.withUTF8 { bytes in
                existing.withUnsafeBytes { stored in bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            }
        case .bytes(let bytes):
            guard bytes.count == size, let existing = FileManager.default.contents(atPath: path) else { return false }
            return existing.elementsEqual(bytes)
        }
    }
}
