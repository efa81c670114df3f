import TrellisModel
import Foundation

/// `trellis new handout`: writes a handout skeleton (front matter, a fill-in table, a checklist
/// and a trainer note) that `trellis check` accepts as it is.
public struct HandoutScaffold: Sendable {
    public var directory: String
    public var id: String
    public var title: String
    public var moduleIDs: [String]
    public var trainersOnly: Bool
    public var today: CalendarDate

    public init(directory: String, id: String, title: String, moduleIDs: [String], trainersOnly: Bool, today: CalendarDate) {
        (self.directory, self.id, self.title, self.moduleIDs, self.trainersOnly, self.today) = (directory, id, title, moduleIDs, trainersOnly, today)
    }

    /// Writes `handouts/<id>.md`, never over an existing file; returns its path.
    public func write() throws(ModuleScaffold.Failure) -> String {
        let folder = join(directory, "handouts")
        let path = join(folder, id + ".md")
        guard id != "index" else { throw ModuleScaffold.Failure(description: "`index` is taken by the list of handouts; choose another id") }
        for moduleID in moduleIDs where !FileManager.default.fileExists(atPath: join(join(directory, "modules"), moduleID + ".md")) {
            throw ModuleScaffold.Failure(description: "there is no module `\(moduleID)` in \(join(directory, "modules")); nothing was written")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(skeleton().utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            throw ModuleScaffold.Failure(description: FileManager.default.fileExists(atPath: path)
                ? "\(path) already exists; choose another id or edit that file"
                : "cannot write \(path): \(error.localizedDescription); nothing was written")
        }
        return path
    }

    func skeleton() -> String {
        """
        ---
        id: \(id)
        title: \(ModuleScaffold.quoted(title))
        summary: What this handout is for, and when a trainee or trainer uses it.
        modules: [\(moduleIDs.joined(separator: ", "))]
        trainers_only: \(trainersOnly)
        updated: \(today)
        ---

        One or two sentences on how to use this sheet. It should print on one or two pages.

        ## Fill in

        | Date | What happened | Next step |
        | --- | --- | --- |
        | | | |
        | | | |

        ## Before you finish

        - [ ] Something to check.
        - [ ] Something else to check.

        > [!TRAINER-NOTE]
        > How to use this handout in the session. Trainees never see this note.

        """
    }
}
