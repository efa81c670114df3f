import TrellisModel
import TrellisMarkdown
import Foundation
import Yams

/// `trellis new module`: writes a module skeleton that shows every front-matter field and
/// callout kind, and appends the module to a track in `curriculum.yml`.
///
/// The track list is edited as text (one line inserted) rather than re-serialized, so the
/// trainer's comments and formatting in `curriculum.yml` survive.
public struct ModuleScaffold: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public var directory: String
    public var id: String
    public var title: String
    public var trackID: String?
    public var today: CalendarDate

    public init(directory: String, id: String, title: String, trackID: String?, today: CalendarDate) {
        self.directory = directory
        self.id = id
        self.title = title
        self.trackID = trackID
        self.today = today
    }

    public func write() throws -> (modulePath: String, manifestPath: String, trackID: String) {
        let modulePath = join(join(directory, "modules"), id + ".md")
        let manifestPath = join(directory, "curriculum.yml")
        guard !FileManager.default.fileExists(atPath: modulePath) else {
            throw Failure(description: "\(modulePath) already exists; choose another id or edit that file")
        }
        guard let manifestText = try? String(contentsOfFile: manifestPath, encoding: .utf8) else {
            throw Failure(description: "cannot read \(manifestPath); pass the curriculum folder with --curriculum")
        }
        guard let manifest = try? Yams.compose(yaml: manifestText) else {
            throw Failure(description: "cannot read \(manifestPath) as YAML; run `trellis check` for details")
        }
        let (updatedManifest, chosenTrack) = try addToTrack(manifestText, manifest)
        // `audience:` in curriculum.yml is who new modules are for; without it, a placeholder.
        let audience = manifest.mapping?["audience"]?.string ?? "Who this module is for"
        try FileManager.default.createDirectory(atPath: join(directory, "modules"), withIntermediateDirectories: true)
        // Both files, or neither: the module is written first (never over an existing file),
        // and taken away again if the track list cannot be written.
        do {
            try Data(skeleton(audience: audience).utf8).write(to: URL(fileURLWithPath: modulePath), options: .withoutOverwriting)
        } catch {
            throw Failure(description: "cannot write \(modulePath): \(error.localizedDescription); nothing was written")
        }
        do {
            try Data(updatedManifest.utf8).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            try? FileManager.default.removeItem(atPath: modulePath)
            throw Failure(description: "cannot write \(manifestPath): \(error.localizedDescription); nothing was written")
        }
        return (modulePath, manifestPath, chosenTrack)
    }

    /// `curriculum.yml` with the module appended to the chosen track (the last one by
    /// default): to its `- id` list, to a one-line `[a, b]` or empty `[]` list, or as a new
    /// `modules:` list when the track has none. A module already in a track is refused.
    func addToTrack(_ text: String, _ root: Node) throws -> (String, String) {
        guard let tracks = root.mapping?["tracks"]?.sequence, !tracks.isEmpty else {
            throw Failure(description: "curriculum.yml has no `tracks:` list to add the module to; run `trellis check` for details")
        }
        for track in tracks where track.mapping?["modules"]?.sequence?.contains(where: { $0.string == id }) == true {
            throw Failure(description: "module `\(id)` is already in track `\(track.mapping?["id"]?.string ?? "")`; nothing was written")
        }
        let track: Node
        if let trackID {
            guard let found = tracks.first(where: { $0.mapping?["id"]?.string == trackID }) else {
                let known = tracks.compactMap { $0.mapping?["id"]?.string }.joined(separator: ", ")
                throw Failure(description: "there is no track `\(trackID)`; tracks are: \(known)")
            }
            track = found
        } else {
            track = tracks[tracks.count - 1]
        }
        let chosen = track.mapping?["id"]?.string ?? ""
        let cannot = Failure(description: "track `\(chosen)` lists its modules in a form Trellis cannot extend; add `- \(id)` to it by hand")
        guard let mapping = track.mapping, let firstKey = mapping.first?.key.mark else { throw cannot }
        var lines = text.components(separatedBy: "\n")
        let keyIndent = String(repeating: " ", count: max(0, firstKey.column - 1))
        guard let (key, modules) = mapping.first(where: { $0.key.string == "modules" }) else {
            // No `modules:` yet: a new list after the track's last line.
            guard let lastLine = mapping.map({ $0.value.mark?.line ?? 0 }).max(), lastLine > 0, lastLine <= lines.count,
                  mapping.allSatisfy({ $0.value.scalar != nil }) else { throw cannot }
            lines.insert(contentsOf: [keyIndent + "modules:", keyIndent + "  - " + id], at: lastLine)
            return (lines.joined(separator: "\n"), chosen)
        }
        guard let keyLine = key.mark?.line else { throw cannot }
        if modules.scalar?.string == "" || modules.scalar?.string == "null" || modules.scalar?.string == "~" {
            // `modules:` with nothing after it.
            lines.insert(keyIndent + "  - " + id, at: keyLine)
            return (lines.joined(separator: "\n"), chosen)
        }
        guard let list = modules.sequence else { throw cannot }
        if let last = list.last, let mark = last.mark, mark.line > keyLine {
            // A block list: one more `- id` line under the last one.
            let lastText = lines[mark.line - 1]
            let indent = String(lastText.prefix { $0 == " " || $0 == "-" }.prefix { $0 == " " })
            lines.insert(indent + "- " + id, at: mark.line)
        } else if let open = lines[keyLine - 1].range(of: "["), let close = lines[keyLine - 1].range(of: "]", options: .backwards),
                  open.upperBound <= close.lowerBound {
            // A one-line list: `[]` or `[a, b]`.
            let inside = lines[keyLine - 1][open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            lines[keyLine - 1].replaceSubrange(open.upperBound..<close.lowerBound, with: inside.isEmpty ? id : inside + ", " + id)
        } else {
            throw cannot
        }
        return (lines.joined(separator: "\n"), chosen)
    }

    /// `text` as a double-quoted YAML scalar, so that a title with `:` or `#` stays one value.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// - Parameter competencies: what the module builds (none yet for `trellis new module`).
    func skeleton(audience: String, competencies: [String] = []) -> String {
        let quoted = Self.quoted
        let quotedTitle = quoted(title)
        return """
        ---
        id: \(id)
        title: \(quotedTitle)
        summary: One or two sentences on what this module covers, shown on the overview page.
        duration: 90            # classroom minutes
        competencies: [\(competencies.joined(separator: ", "))]        # ids from competencies.yml, e.g. [role-clarity]
        prerequisites: []       # module ids, e.g. [peer-role]
        objectives:             # what a trainee will be able to do; start each with an observable verb
          - Describe …
          - Demonstrate …
        audience: \(quoted(audience))
        version: "0.1"
        updated: \(today)
        review_by: \(CalendarDate(year: today.year + 1, month: today.month, day: min(today.day, 28))!)   # keep only if the content reflects changing policy
        materials:
          - Flip chart and markers
        ---

        ## Why this matters

        Explain in plain words why this topic matters to parents and to peer specialists.

        ## A first section

        Teach one idea at a time. Link to a heading of this module as
        [a first section](#a-first-section), and to another module by its file name,
        such as `engage.md`, so the link also works in an editor.

        <!-- Callout kinds: SCENARIO, REFLECT, DISCUSS, KEY-POINTS, TRAINER-NOTE, NOTE, TIP,
             IMPORTANT, WARNING, CAUTION. TRAINER-NOTE text never appears in the trainee edition. -->

        > [!SCENARIO] A short title for the role-play
        > Describe a realistic situation and give the trainee a clear task.

        > [!TRAINER-NOTE]
        > Timing, how to run the scenario, what good answers include, what to watch for,
        > and debrief questions. Trainees never see this.

        > [!REFLECT]
        > A question trainees answer privately.

        > [!DISCUSS]
        > A question for the group.

        > [!NOTE]
        > Extra information.

        > [!TIP]
        > A practical suggestion.

        > [!IMPORTANT]
        > Something trainees must not miss.

        > [!WARNING]
        > A risk to watch for.

        > [!CAUTION]
        > Something that could cause harm if done wrong.

        > [!KEY-POINTS]
        > - The main ideas of the module, in a few bullets.

        ## Knowledge check

        1. A question about the module.

        > [!TRAINER-NOTE]
        > Answers to the knowledge check.

        ## Observation checklist

        - An observable behaviour the coach looks for during the role-play.

        The coach rates the practice against the rubric of each competency (under *Rating observed practice*).

        ## References

        1. Author, A. (Year). *Title*. Publisher. https://doi.org/…

        """
    }
}
