import TrellisModel
import Foundation

/// `trellis init`: a working curriculum in an empty folder — `Curriculum/` with its two files,
/// explained field by field in comments, and a sample module that uses every callout kind; a
/// `.gitignore` that keeps the built site and any tracker database out of git; and, if asked,
/// a CI workflow that publishes the trainee edition. `trellis check && trellis build` passes in
/// it at once (with the built-in theme).
public struct CurriculumScaffold: Sendable {
    /// Which CI service's workflow to write.
    public enum CI: String, Sendable, CaseIterable {
        case github, gitlab, none
    }

    public var directory: String
    public var title: String
    public var organization: String?
    public var ci: CI
    public var today: CalendarDate

    public init(directory: String, title: String, organization: String?, ci: CI, today: CalendarDate) {
        self.directory = directory
        self.title = title
        self.organization = organization
        self.ci = ci
        self.today = today
    }

    /// The files, by path below `directory`.
    public var files: [(path: String, text: String)] {
        var files = [
            ("Curriculum/curriculum.yml", CurriculumScaffoldFiles.manifest(title: title, organization: organization)),
            ("Curriculum/competencies.yml", CurriculumScaffoldFiles.framework),
            ("Curriculum/modules/welcome.md",
             ModuleScaffold(directory: "", id: "welcome", title: "Welcome", trackID: nil, today: today)
                .skeleton(audience: CurriculumScaffoldFiles.audience, competencies: ["listening-well"])),
            (".gitignore", CurriculumScaffoldFiles.gitignore),
        ]
        switch ci {
        case .github: files.append((".github/workflows/publish-site.yml", CurriculumScaffoldFiles.githubWorkflow))
        case .gitlab: files.append((".gitlab-ci.yml", CurriculumScaffoldFiles.gitlabPipeline))
        case .none: break
        }
        return files
    }

    /// Writes every file, or — when any of them exists already — nothing.
    /// - Returns: the paths written, relative to `directory`.
    public func write() throws(ModuleScaffold.Failure) -> [String] {
        let files = self.files
        let existing = files.map(\.path).filter { FileManager.default.fileExists(atPath: join(directory, $0)) }
        if !existing.isEmpty {
            throw ModuleScaffold.Failure(description: "\(existing.map { join(directory, $0) }.joined(separator: ", ")) "
                                         + "already exist\(existing.count == 1 ? "s" : ""); nothing was written — run `trellis init` in a new folder")
        }
        var written: [String] = []
        for (path, text) in files {
            let target = join(directory, path)
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
                written.append(path)
            } catch {
                // Take back what this run wrote, so a failed init leaves the folder as it was.
                for done in written { try? FileManager.default.removeItem(atPath: join(directory, done)) }
                throw ModuleScaffold.Failure(description: "cannot write \(target): \(error.localizedDescription); nothing was written")
            }
        }
        return written
    }
}
