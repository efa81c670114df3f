import Foundation

/// A nameless scratch file where a large one-shot build keeps each module's rendered text
/// (HTML and search sections per edition) between parsing and writing.
///
/// At 10,000 modules that text is a quarter of a gigabyte, and every page and the manual
/// need it only once more, at the end. Kept in the process it set the build's peak memory;
/// written here by the core that rendered it and read back when a page needs it, it lives in
/// the operating system's file cache instead, which the kernel can reclaim. The file is
/// removed from its folder as soon as it is created (only the open descriptor reaches it),
/// so nothing is left behind even if the build is killed, and it is readable by its owner only.
final class ScratchTextFile: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var end: Int64 = 0  // guarded by `lock`

    /// A new scratch file in `directory`; nil when one cannot be made there (the text then
    /// simply stays in memory).
    init?(directory: String) {
        var template = Array(join(directory, ".trellis-scratch-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }  // mode 0600
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Writes `bytes` at the end of the file (from any thread); nil when the write failed.
    func append(_ bytes: [UInt8]) -> Range<Int64>? {
        let start = lock.guarding {
            defer { end += Int64(bytes.count) }
            return end
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, bytes.count - written, off_t(start) + off_t(written)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            written += count
        }
        return start..<(start + Int64(bytes.count))
    }

    /// The text `ModuleBody.moveRenderedText` wrote at `range` (in the cache's encoding).
    func readString(_ range: Range<Int64>) -> String {
        var reader = CacheReader(read(range))
        return try! reader.readString()  // written by this process just before, in this encoding
    }

    func readSections(_ range: Range<Int64>) -> [ModuleBody.Section] {
        var reader = CacheReader(read(range))
        return try! reader.readSections()
    }

    /// The bytes written at `range` by `append`.
    func read(_ range: Range<Int64>) -> [UInt8] {
        let length = Int(range.upperBound - range.lowerBound)
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, length - done, off_t(range.lowerBound) + off_t(done)) }
            if count < 0, errno == EINTR { continue }
            // The file is this process's own and was written in full; failing to read it back
            // is an I/O error that no page can be made correctly without.
            guard count > 0 else { fatalError("could not read back the build's scratch file: \(String(cString: strerror(errno)))") }
            done += count
        }
        return bytes
    }
}

extension ModuleBody {
    /// Where the rendered text went when it was moved to a scratch file.
    struct ScratchText: Sendable {
        let file: ScratchTextFile
        var html: [Edition: Range<Int64>] = [:]
        var sections: [Edition: Range<Int64>] = [:]
    }

    /// Moves the HTML and search sections to `file`; they are read back on each use. When a
    /// write fails, the text stays in memory.
    mutating func moveRenderedText(to file: ScratchTextFile) {
        var scratch = ScratchText(file: file)
        for (edition, html) in storedHTML {
            var writer = CacheWriter()
            writer.write(html)
            guard let range = file.append(writer.data) else { return }
            scratch.html[edition] = range
        }
        for (edition, sections) in storedSections {
            var writer = CacheWriter()
            writer.write(sections)
            guard let range = file.append(writer.data) else { return }
            scratch.sections[edition] = range
        }
        self.scratch = scratch
        storedHTML = [:]
        storedSections = [:]
    }

    /// Reads the text moved to a scratch file back into memory (before it is changed).
    mutating func bringRenderedTextBack() {
        guard scratch != nil else { return }
        let html = self.html, sections = self.sections
        scratch = nil
        storedHTML = html
        storedSections = sections
    }
}
