import TrellisModel
import TrellisMarkdown
import Foundation
import Yams

/// Reads a curriculum folder: `curriculum.yml`, `competencies.yml`, `modules/*.md`,
/// `handouts/*.md`, `glossary.yml` and `assets/`.
///
/// Loading never stops at the first problem: it returns whatever it could read together
/// with every diagnostic, so `trellis check` can report them all in one run.
public struct CurriculumLoader: Sendable {
    public var directory: String
    /// Editions whose HTML to render while loading; empty when only checking.
    public var editions: Set<Edition>

    public init(directory: String, editions: Set<Edition> = []) {
        self.directory = directory
        self.editions = editions
    }

    public func load() -> (Curriculum, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let manifest = parseManifest(FileManager.default.contents(atPath: manifestPath), diagnostics: &diagnostics)
        let framework = parseFramework(FileManager.default.contents(atPath: frameworkPath), diagnostics: &diagnostics)
        // The glossary comes first: module and handout bodies link their terms as they compile.
        let glossary = FileManager.default.fileExists(atPath: glossaryPath)
            ? parseGlossary(FileManager.default.contents(atPath: glossaryPath), diagnostics: &diagnostics) : nil
        let linker = glossary.map { GlossaryLinker($0) }
        let files = moduleFileNames()
        if files.isEmpty { diagnostics.append(noModulesDiagnostic) }
        let loader = self
        let loaded = files.concurrentMap { file in
            loader.parseModule(FileManager.default.contents(atPath: join(loader.modulesDirectory, file)), fileName: file, glossary: linker)
        }
        var modules: [Module] = []
        for (module, moduleDiagnostics) in loaded {
            if let module { modules.append(module) }
            diagnostics += moduleDiagnostics
        }
        var curriculum = Curriculum(directory: directory, manifest: manifest, framework: framework, modules: modules, assets: assetPaths())
        if FileManager.default.fileExists(atPath: credentialsPath) {
            curriculum.credentials = parseCredentials(FileManager.default.contents(atPath: credentialsPath), diagnostics: &diagnostics)
        }
        curriculum.glossary = glossary
        for file in handoutFileNames() {
            let path = join(handoutsDirectory, file)
            guard let text = decodeText(FileManager.default.contents(atPath: path), path: path, what: "a handout", diagnostics: &diagnostics),
                  let handout = HandoutParser.parse(text, path: path, fileName: file, editions: editions, glossary: linker,
                                                    diagnostics: &diagnostics) else { continue }
            curriculum.handouts.append(handout)
        }
        return (curriculum, diagnostics)
    }

    // MARK: - One source at a time

    var manifestPath: String { join(directory, "curriculum.yml") }
    var frameworkPath: String { join(directory, "competencies.yml") }
    var credentialsPath: String { join(directory, "credentials.yml") }
    var glossaryPath: String { join(directory, "glossary.yml") }
    var modulesDirectory: String { join(directory, "modules") }
    var handoutsDirectory: String { join(directory, "handouts") }
    var assetsDirectory: String { join(directory, "assets") }

    /// The module files of `modules/`, sorted; drafts starting with `_` and hidden files are skipped.
    func moduleFileNames() -> [String] {
        listFiles(modulesDirectory).filter { Self.isModuleFileName($0) }
    }

    /// The handout files of `handouts/`, sorted, skipped as module files are.
    func handoutFileNames() -> [String] {
        listFiles(handoutsDirectory).filter { Self.isModuleFileName($0) }
    }

    static func isModuleFileName(_ name: String) -> Bool {
        name.hasSuffix(".md") && !name.hasPrefix(".") && !name.hasPrefix("_")
    }

    /// Files under `assets/`, relative to the curriculum folder (`assets/map.png`), sorted.
    func assetPaths() -> [String] {
        listFilesRecursively(assetsDirectory).map { "assets/" + $0 }
    }

    var noModulesDiagnostic: Diagnostic {
        .error(at: SourceLocation(path: modulesDirectory, line: 1, column: 1), "no modules found in \(modulesDirectory)",
               remedy: "add modules as `modules/<id>.md`, e.g. with `trellis new module <id> --title \"…\"`")
    }

    /// `curriculum.yml` from its bytes (nil when it could not be read).
    func parseManifest(_ data: Data?, diagnostics: inout [Diagnostic]) -> CurriculumManifest {
        decodeText(data, path: manifestPath, what: "the curriculum's tracks", diagnostics: &diagnostics)
            .map { CurriculumLoader.parseManifest($0, path: manifestPath, diagnostics: &diagnostics) }
            ?? CurriculumManifest(title: "Untitled curriculum", tracks: [], schedule: [], path: manifestPath)
    }

    /// `competencies.yml` from its bytes (nil when it could not be read).
    func parseFramework(_ data: Data?, diagnostics: inout [Diagnostic]) -> CompetencyFramework {
        decodeText(data, path: frameworkPath, what: "the competency framework", diagnostics: &diagnostics)
            .map { CompetencyFrameworkParser.parse($0, path: frameworkPath, diagnostics: &diagnostics) }
            ?? CompetencyFramework(title: "Competencies", scale: [], domains: [], samhsaCategories: [:], progression: nil, path: frameworkPath)
    }

    /// `credentials.yml` from its bytes; call only when the file exists.
    func parseCredentials(_ data: Data?, diagnostics: inout [Diagnostic]) -> [CredentialRule] {
        guard let text = decodeText(data, path: credentialsPath, what: "credential renewal rules", diagnostics: &diagnostics) else { return [] }
        return CredentialRulesParser.parse(text, path: credentialsPath, diagnostics: &diagnostics)
    }

    /// `glossary.yml` from its bytes; call only when the file exists.
    func parseGlossary(_ data: Data?, diagnostics: inout [Diagnostic]) -> Glossary {
        guard let text = decodeText(data, path: glossaryPath, what: "the glossary", diagnostics: &diagnostics) else {
            return Glossary(terms: [], path: glossaryPath)
        }
        return GlossaryParser.parse(text, path: glossaryPath, diagnostics: &diagnostics)
    }

    /// One module file from its bytes (nil when it could not be read), with its own diagnostics.
    func parseModule(_ data: Data?, fileName: String, glossary: GlossaryLinker? = nil) -> (Module?, [Diagnostic]) {
        let path = join(modulesDirectory, fileName)
        var diagnostics: [Diagnostic] = []
        guard let text = decodeText(data, path: path, what: "a module", diagnostics: &diagnostics) else { return (nil, diagnostics) }
        let module = ModuleParser.parse(text, path: path, fileName: fileName, editions: editions, glossary: glossary,
                                        diagnostics: &diagnostics)
        return (module, diagnostics)
    }

    static func parseManifest(_ text: String, path: String, diagnostics: inout [Diagnostic]) -> CurriculumManifest {
        var reader = YAMLReader(path: path)
        defer { diagnostics += reader.diagnostics }
        var manifest = CurriculumManifest(title: "Untitled curriculum", tracks: [], schedule: [], path: path)
        guard let root = reader.parse(text), let mapping = reader.mapping(root, what: "curriculum.yml") else { return manifest }
        reader.reportUnknownKeys(in: mapping, known: CurriculumManifest.fields, what: "curriculum.yml")
        manifest.title = reader.string(mapping, "title", required: true, what: "curriculum.yml") ?? manifest.title
        manifest.organization = reader.string(mapping, "organization", required: false, what: "curriculum.yml")
        manifest.description = reader.string(mapping, "description", required: false, what: "curriculum.yml")

        if let tracksNode = mapping["tracks"] {
            if let sequence = tracksNode.sequence {
                for trackNode in sequence {
                    guard let track = reader.mapping(trackNode, what: "a track") else { continue }
                    reader.reportUnknownKeys(in: track, known: ["id", "title", "modules"], what: "a track")
                    let id = reader.string(track, "id", required: true, what: "a track") ?? ""
                    let title = reader.string(track, "title", required: true, what: "track `\(id)`") ?? id
                    let entries = reader.stringList(track, "modules", required: true, what: "track `\(id)`") ?? []
                    manifest.tracks.append(.init(id: id, title: title, moduleIDs: entries.map(\.0),
                                                 location: reader.location(of: trackNode), moduleLocations: entries.map(\.1)))
                }
            } else {
                reader.error(tracksNode, "`tracks` must be a list of tracks", remedy: "write each track as `- id: …` with `title:` and `modules:`")
            }
        } else {
            reader.error(root, "missing required field `tracks` in curriculum.yml", remedy: "add `tracks:` with at least one track listing module ids in order")
        }

        if let scheduleNode = mapping["schedule"] {
            for entryNode in scheduleNode.sequence ?? [] {
                guard let entry = reader.mapping(entryNode, what: "a schedule entry") else { continue }
                reader.reportUnknownKeys(in: entry, known: ["day", "focus", "tracks", "modules"], what: "a schedule entry")
                let day = reader.string(entry, "day", required: true, what: "a schedule entry") ?? ""
                let focus = reader.string(entry, "focus", required: true, what: "schedule entry `\(day)`") ?? ""
                let tracks = reader.stringList(entry, "tracks", required: false, what: "schedule entry `\(day)`") ?? []
                let modules = reader.stringList(entry, "modules", required: false, what: "schedule entry `\(day)`") ?? []
                manifest.schedule.append(.init(day: day, focus: focus, trackIDs: tracks.map(\.0), moduleIDs: modules.map(\.0),
                                               location: reader.location(of: entryNode), moduleLocations: modules.map(\.1)))
            }
            if scheduleNode.sequence == nil {
                reader.error(scheduleNode, "`schedule` must be a list", remedy: "write each entry as `- day: …` with `focus:` and `tracks:`")
            }
        }
        return manifest
    }
}

/// Parses one module file: front matter, then the Markdown body.
enum ModuleParser {
    static func parse(_ text: String, path: String, fileName: String, editions: Set<Edition>, glossary: GlossaryLinker? = nil,
                      diagnostics: inout [Diagnostic]) -> Module? {
        let fileID = String(fileName.dropLast(3))
        guard let split = FrontMatter.split(text) else {
            diagnostics.append(.error(at: SourceLocation(path: path, line: 1, column: 1),
                                      "module has no front matter",
                                      remedy: "start the file with a `---` line, the module's fields (id, title, summary, duration, competencies, prerequisites, objectives), and another `---` line"))
            return nil
        }
        var reader = YAMLReader(path: path, lineOffset: 1)
        defer { diagnostics += reader.diagnostics }
        let body = ModuleBodyCompiler.compile(markdown: split.body, firstLine: split.bodyFirstLine, editions: editions, glossary: glossary)
        guard let root = reader.parse(split.yaml), let fields = reader.mapping(root, what: "the front matter") else {
            // Keep the module under its file name so its broken YAML is the only error reported,
            // not also every track entry and link that refers to it.
            return Module(id: fileID, title: fileID, summary: "", duration: 0, competencies: [], prerequisites: [],
                          objectives: [], materials: [], path: path, body: body, locations: [:],
                          hasReadableFrontMatter: false)
        }
        reader.reportUnknownKeys(in: fields, known: Module.fields, what: "the front matter")
        let what = "the front matter"

        var locations: [String: SourceLocation] = [:]
        for (key, value) in fields {
            if let name = key.string { locations[name] = reader.location(of: value) }
        }
        let id = reader.string(fields, "id", required: true, what: what) ?? fileID
        if fields["id"] != nil, id != fileID {
            reader.error(fields["id"], "module id `\(id)` does not match its file name `\(fileName)`",
                         remedy: "rename the file to `\(id).md` or change the id to `\(fileID)`")
        }
        if !Identifier.isValid(id) {
            reader.error(fields["id"], "module id `\(id)` is not a valid id",
                         remedy: "use lowercase letters, digits and single hyphens, e.g. `child-welfare`")
        }
        func list(_ key: String, required: Bool) -> [String] {
            let items = reader.stringList(fields, key, required: required, what: what) ?? []
            for (index, item) in items.enumerated() { locations["\(key)[\(index)]"] = item.1 }
            return items.map(\.0)
        }
        let objectives = list("objectives", required: true)
        if fields["objectives"] != nil, objectives.isEmpty {
            reader.error(fields["objectives"], "`objectives` is empty",
                         remedy: "list what a trainee will be able to do, each starting with an observable verb (Describe, Demonstrate, Plan…)")
        }
        return Module(
            id: id,
            title: reader.string(fields, "title", required: true, what: what) ?? id,
            summary: reader.string(fields, "summary", required: true, what: what) ?? "",
            duration: reader.integer(fields, "duration", required: true, what: what, range: 1...1440) ?? 0,
            competencies: list("competencies", required: true),
            prerequisites: list("prerequisites", required: false),
            objectives: objectives,
            audience: reader.string(fields, "audience", required: false, what: what),
            version: reader.string(fields, "version", required: false, what: what),
            updated: reader.date(fields, "updated", what: what),
            reviewBy: reader.date(fields, "review_by", what: what),
            materials: list("materials", required: false),
            path: path,
            body: body,
            locations: locations)
    }
}

/// YAML front matter between `---` lines at the top of a Markdown file.
enum FrontMatter {
    /// Returns the YAML text, the body, and the file line the body starts on; nil when the
    /// file does not start with front matter. Line endings are normalized to `\n`.
    static func split(_ text: String) -> (yaml: String, body: String, bodyFirstLine: Int)? {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.containsUTF8Byte(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        // Scan lines as bytes: this runs for every module of the curriculum on every build.
        let bytes = Array(text.utf8)
        func line(at start: Int) -> (content: ArraySlice<UInt8>, next: Int) {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            return (bytes[start..<end], end + 1)
        }
        func isFence(_ content: ArraySlice<UInt8>) -> Bool {
            var trimmed = content
            while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { trimmed = trimmed.dropLast() }
            while let first = trimmed.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { trimmed = trimmed.dropFirst() }
            return trimmed.elementsEqual("---".utf8) || trimmed.elementsEqual("...".utf8)
        }
        let opening = line(at: 0)
        guard opening.content.elementsEqual("---".utf8) else { return nil }
        var position = opening.next
        var lineNumber = 2
        while position <= bytes.count {
            let current = line(at: position)
            if isFence(current.content) {
                let yaml = String(decoding: bytes[opening.next..<position].dropLast(position > opening.next ? 1 : 0), as: UTF8.self)
                let body = current.next <= bytes.count ? String(decoding: bytes[current.next...], as: UTF8.self) : ""
                return (yaml, body, lineNumber + 1)
            }
            position = current.next
            lineNumber += 1
        }
        return nil
    }
}
