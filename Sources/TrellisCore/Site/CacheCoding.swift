import Foundation

/// A compact binary encoding for the build cache.
///
/// Every stored property of `Module` and `ModuleBody` must be written here (and the format
/// version in `SiteCache` bumped when one is added): `IncrementalBuildTests` checks that a
/// module read back from the cache equals the module parsed.
///
/// Not JSON: a 1,000-module cache holds every module's rendered HTML and diagnostics, and
/// decoding it must cost a small fraction of a build. Every file starts with a magic word and
/// a format version; anything unexpected makes the reader throw, and the build then starts
/// from a clean slate instead of trusting a damaged cache.
struct CacheWriter {
    /// Bytes not yet written (streaming), or all of them. An array rather than `Data`:
    /// appending a few bytes to `Data` costs several times as much, and a cache is many small fields.
    private(set) var data: [UInt8] = []
    /// When set, bytes go to this open file a megabyte at a time, so that a large curriculum's
    /// cache (hundreds of megabytes at 10,000 modules) is never whole in memory.
    private let descriptor: Int32?
    /// The first `errno` of a failed write to `descriptor`; 0 while all is well.
    private(set) var failure: Int32 = 0

    init() { descriptor = nil }

    init(streamingTo descriptor: Int32) {
        self.descriptor = descriptor
        data.reserveCapacity(Self.chunk + 64 * 1024)
    }

    private static let chunk = 1 << 20

    /// Writes what is buffered to the file (when streaming).
    mutating func flush() {
        guard let descriptor, !data.isEmpty else { return }
        if failure == 0 {
            failure = data.withUnsafeBytes { FileTree.writeAll($0, to: descriptor) }
        }
        data.removeAll(keepingCapacity: true)
    }

    private mutating func flushIfFull() {
        if descriptor != nil, data.count >= Self.chunk { flush() }
    }

    mutating func write(_ value: UInt64) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { data.append(contentsOf: $0) }
    }

    mutating func write(_ value: Int64) { write(UInt64(bitPattern: value)) }
    mutating func write(_ value: Int) { write(Int64(value)) }
    mutating func write(_ value: Bool) { data.append(value ? 1 : 0) }
    mutating func write(_ value: UInt8) { data.append(value) }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            write(buffer.count)
            data.append(contentsOf: buffer)
        }
        flushIfFull()
    }

    mutating func write(_ text: String?) {
        write(text != nil)
        if let text { write(text) }
    }

    mutating func write(_ digest: ContentDigest) {
        write(digest.words.0)
        write(digest.words.1)
        write(digest.words.2)
        write(digest.words.3)
    }

    mutating func write(_ texts: [String]) {
        write(texts.count)
        for text in texts { write(text) }
    }

    mutating func write<Element>(_ items: [Element], _ each: (inout CacheWriter, Element) -> Void) {
        write(items.count)
        for item in items {
            each(&self, item)
            flushIfFull()
        }
    }
}

struct CacheReader {
    struct Damaged: Error {}

    private let data: [UInt8]
    private var offset = 0

    init(_ data: Data) { self.data = [UInt8](data) }
    init(_ bytes: [UInt8]) { self.data = bytes }

    var isAtEnd: Bool { offset == data.count }

    mutating func readUInt64() throws(Damaged) -> UInt64 {
        guard data.count - offset >= 8 else { throw Damaged() }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(data[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    mutating func readInt64() throws(Damaged) -> Int64 { Int64(bitPattern: try readUInt64()) }

    mutating func readInt() throws(Damaged) -> Int {
        let value = try readInt64()
        guard let int = Int(exactly: value) else { throw Damaged() }
        return int
    }

    /// A count of things that follow, each at least one byte: bounded by what is left.
    mutating func readCount() throws(Damaged) -> Int {
        let count = try readInt()
        guard count >= 0, count <= data.count - offset else { throw Damaged() }
        return count
    }

    mutating func readUInt8() throws(Damaged) -> UInt8 {
        guard offset < data.count else { throw Damaged() }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func readBool() throws(Damaged) -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        default: throw Damaged()
        }
    }

    mutating func readString() throws(Damaged) -> String {
        let count = try readCount()
        defer { offset += count }
        return String(decoding: data[offset..<(offset + count)], as: UTF8.self)
    }

    mutating func readOptionalString() throws(Damaged) -> String? {
        try readBool() ? try readString() : nil
    }

    mutating func readDigest() throws(Damaged) -> ContentDigest {
        ContentDigest(words: (try readUInt64(), try readUInt64(), try readUInt64(), try readUInt64()))
    }

    mutating func readStrings() throws(Damaged) -> [String] {
        try readArray { reader throws(Damaged) in try reader.readString() }
    }

    mutating func readArray<Element>(_ each: (inout CacheReader) throws(Damaged) -> Element) throws(Damaged) -> [Element] {
        let count = try readCount()
        var items: [Element] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try each(&self)) }
        return items
    }
}

// MARK: - The curriculum's types

extension CacheWriter {
    mutating func write(_ location: SourceLocation) {
        write(location.path)
        write(location.line)
        write(location.column)
    }

    mutating func write(_ date: CalendarDate?) {
        write(date?.description)
    }

    mutating func write(_ diagnostic: Diagnostic) {
        write(diagnostic.severity == .error)
        write(diagnostic.location)
        write(diagnostic.message)
        write(diagnostic.remedy)
    }

    mutating func write(_ diagnostics: [Diagnostic]) {
        write(diagnostics) { writer, diagnostic in writer.write(diagnostic) }
    }

    mutating func write(_ status: FileStatus) {
        write(status.kind.rawValue)
        write(status.size)
        write(status.modified)
        write(status.changed)
        write(status.inode)
    }

    mutating func write(_ module: Module) {
        write(module.id)
        write(module.title)
        write(module.summary)
        write(module.duration)
        write(module.competencies)
        write(module.prerequisites)
        write(module.objectives)
        write(module.audience)
        write(module.version)
        write(module.updated)
        write(module.reviewBy)
        write(module.materials)
        write(module.path)
        write(module.hasReadableFrontMatter)
        write(module.locations.sorted { $0.key < $1.key }) { writer, entry in
            writer.write(entry.key)
            writer.write(entry.value)
        }
        let body = module.body
        write(body.headings) { writer, heading in
            writer.write(heading.level)
            writer.write(heading.text)
            writer.write(heading.slug)
            writer.write(heading.line)
            writer.write(heading.column)
            writer.write(heading.callout?.rawValue)
        }
        write(body.links) { writer, link in
            writer.write(link.url)
            writer.write(link.isImage)
            writer.write(link.text)
            writer.write(link.line)
            writer.write(link.column)
            writer.write(link.inTrainerNote)
        }
        write(body.callouts) { writer, callout in
            writer.write(callout.marker)
            writer.write(callout.kind?.rawValue)
            writer.write(callout.title)
            writer.write(callout.line)
            writer.write(callout.column)
        }
        if let scratch = body.scratch {
            // The scratch file holds each text in this very encoding: copied, not decoded.
            let copy = { (writer: inout CacheWriter, range: Range<Int64>) in writer.data.append(contentsOf: scratch.file.read(range)) }
            write(byEdition: scratch.html, copy)
            write(byEdition: scratch.sections, copy)
        } else {
            write(byEdition: body.html) { writer, html in writer.write(html) }
            write(byEdition: body.sections) { writer, sections in writer.write(sections) }
        }
    }

    private mutating func write<Value>(byEdition values: [Edition: Value], _ each: (inout CacheWriter, Value) -> Void) {
        write(values.sorted { $0.key < $1.key }) { writer, entry in
            writer.write(entry.key.rawValue)
            each(&writer, entry.value)
        }
    }

    mutating func write(_ sections: [ModuleBody.Section]) {
        write(sections) { writer, section in
            writer.write(section.heading)
            writer.write(section.anchor)
            writer.write(section.text)
        }
    }
}

extension CacheReader {
    mutating func readLocation() throws(Damaged) -> SourceLocation {
        SourceLocation(path: try readString(), line: try readInt(), column: try readInt())
    }

    mutating func readDate() throws(Damaged) -> CalendarDate? {
        guard let text = try readOptionalString() else { return nil }
        guard let date = CalendarDate(text) else { throw Damaged() }
        return date
    }

    mutating func readDiagnostic() throws(Damaged) -> Diagnostic {
        let severity: Diagnostic.Severity = try readBool() ? .error : .warning
        return Diagnostic(severity, at: try readLocation(), try readString(), remedy: try readOptionalString())
    }

    mutating func readDiagnostics() throws(Damaged) -> [Diagnostic] {
        try readArray { reader throws(Damaged) in try reader.readDiagnostic() }
    }

    mutating func readStatus() throws(Damaged) -> FileStatus {
        guard let kind = FileStatus.Kind(rawValue: try readUInt8()) else { throw Damaged() }
        return FileStatus(kind: kind, size: try readInt64(), modified: try readInt64(), changed: try readInt64(), inode: try readUInt64())
    }

    private mutating func readCalloutKind() throws(Damaged) -> CalloutKind? {
        guard let raw = try readOptionalString() else { return nil }
        guard let kind = CalloutKind(rawValue: raw) else { throw Damaged() }
        return kind
    }

    mutating func readSections() throws(Damaged) -> [ModuleBody.Section] {
        try readArray { reader throws(Damaged) in
            ModuleBody.Section(heading: try reader.readOptionalString(), anchor: try reader.readOptionalString(), text: try reader.readString())
        }
    }

    mutating func readModule() throws(Damaged) -> Module {
        let id = try readString(), title = try readString(), summary = try readString(), duration = try readInt()
        let competencies = try readStrings(), prerequisites = try readStrings(), objectives = try readStrings()
        let audience = try readOptionalString(), version = try readOptionalString()
        let updated = try readDate(), reviewBy = try readDate()
        let materials = try readStrings(), path = try readString(), readable = try readBool()
        var locations: [String: SourceLocation] = [:]
        for (key, location) in try readArray({ reader throws(Damaged) in (try reader.readString(), try reader.readLocation()) }) {
            locations[key] = location
        }
        var body = ModuleBody()
        body.headings = try readArray { reader throws(Damaged) in
            ModuleBody.Heading(level: try reader.readInt(), text: try reader.readString(), slug: try reader.readString(),
                               line: try reader.readInt(), column: try reader.readInt(), callout: try reader.readCalloutKind())
        }
        body.links = try readArray { reader throws(Damaged) in
            ModuleBody.Link(url: try reader.readString(), isImage: try reader.readBool(), text: try reader.readString(),
                            line: try reader.readInt(), column: try reader.readInt(), inTrainerNote: try reader.readBool())
        }
        body.callouts = try readArray { reader throws(Damaged) in
            ModuleBody.Callout(marker: try reader.readString(), kind: try reader.readCalloutKind(), title: try reader.readString(),
                               line: try reader.readInt(), column: try reader.readInt())
        }
        for (edition, html) in try readArray({ reader throws(Damaged) in (try reader.readString(), try reader.readString()) }) {
            guard let edition = Edition(rawValue: edition) else { throw Damaged() }
            body.html[edition] = html
        }
        for (edition, sections) in try readArray({ reader throws(Damaged) in (try reader.readString(), try reader.readSections()) }) {
            guard let edition = Edition(rawValue: edition) else { throw Damaged() }
            body.sections[edition] = sections
        }
        return Module(id: id, title: title, summary: summary, duration: duration, competencies: competencies,
                      prerequisites: prerequisites, objectives: objectives, audience: audience, version: version,
                      updated: updated, reviewBy: reviewBy, materials: materials, path: path, body: body,
                      locations: locations, hasReadableFrontMatter: readable)
    }
}
