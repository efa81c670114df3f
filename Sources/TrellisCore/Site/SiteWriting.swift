import Foundation

/// Writing the output folder: rendering the files whose inputs changed, removing the rest.
extension SiteState {
    /// True when the edition's folder holds exactly the files recorded, each as written.
    func outputsAreIntact(_ edition: Edition, _ record: EditionRecord) -> Bool {
        let tree = FileTree.walk(join(settings.outputDirectory, edition.rawValue))
        guard tree.files.count == record.files.count else { return false }
        for (path, output) in record.files where tree.files[path] != output.status { return false }
        return true
    }

    /// Writes the whole edition into a temporary folder and swaps it in.
    func writeClean(_ planned: [PlannedFile], builder: SiteBuilder, context: SharedContext, to destination: String,
                            edition: Edition, beforePublishing: ((Edition, String, [Module]) throws -> Void)?) throws -> [String: OutputRecord] {
        // A small curriculum's module shares of the whole-curriculum files are made first, on
        // every core, and those files written with the pages; a large one's are made and
        // written a batch at a time on a thread beside the pages, so they are never all in memory.
        var builder = builder, serially = Self.wholeCurriculumFiles(planned)
        if context.ordered.count <= largeCurriculum {
            if builder.fragments == nil { builder.fragments = RenderedFragments() }
            builder.prepareFragments(context)
            serially = []
        }
        var statuses: [FileStatus?] = []
        try AtomicDirectory.replace(destination) { [builder] folder in
            statuses = try SiteFileWriter.write(planned.map(\.path), into: folder, serially: serially) {
                try builder.write(planned[$0], context, to: $1, atomically: false)
            }
            try beforePublishing?(edition, folder, context.ordered)
        }
        var records: [String: OutputRecord] = [:]
        for (file, status) in zip(planned, statuses) {
            if let status { records[file.path] = OutputRecord(inputs: file.inputs, status: status) }
        }
        return records
    }

    /// The positions of `manual.html` and `search-index.js` among `files`.
    static func wholeCurriculumFiles(_ files: [PlannedFile]) -> Set<Int> {
        Set(files.indices.filter { if case .page(let page) = files[$0].source { SiteBuilder.isWholeCurriculum(page) } else { false } })
    }

    /// One edition's planned files, and how they will be written.
    struct EditionPlan: Sendable {
        var edition: Edition
        var builder: SiteBuilder
        var context: SharedContext
        var planned: [PlannedFile]
        var destination: String
        var pages: Int
        /// Set when the edition is updated in place rather than written whole.
        var incremental: IncrementalWrite?
    }

    /// One edition updated in place: the files to rewrite are those whose inputs changed or
    /// that are not as written; files no longer planned are removed.
    struct IncrementalWrite: Sendable {
        var previous: EditionRecord
        var tree: (files: [String: FileStatus], directories: [String])
        var stale: [PlannedFile]
        var records: [String: OutputRecord]
        var written: [String] = []
        var removed: [String] = []

        init(planned: [PlannedFile], destination: String, previous: EditionRecord) {
            self.previous = previous
            tree = FileTree.walk(destination)
            let tree = self.tree
            stale = planned.filter { file in
                guard let record = previous.files[file.path], record.inputs == file.inputs,
                      let status = tree.files[file.path], status == record.status else { return true }
                return false
            }
            // Until a file is rewritten, its record stays as it was: a build that stops part-way
            // leaves records that still describe the files on disk.
            let plannedPaths = Set(planned.map(\.path))
            records = previous.files.filter { plannedPaths.contains($0.key) }
        }
    }

    /// Renders and writes `files`, each to a temporary file renamed into place; records each
    /// file written. Returns the paths written and the first failure, if any.
    func write(_ files: [PlannedFile], _ plan: EditionPlan,
                       records: inout [String: OutputRecord]) -> (written: [String], failure: AtomicDirectory.WriteError?) {
        let destination = plan.destination, builder = plan.builder, context = plan.context
        do {
            try SiteFileWriter.createDirectories(for: files.map(\.path), in: destination)
        } catch {
            return ([], error)
        }
        let results = SiteFileWriter.writeEach(files.map(\.path), into: destination, serially: Self.wholeCurriculumFiles(files)) {
            try builder.write(files[$0], context, to: $1, atomically: true)
        }
        var written: [String] = []
        var failure: AtomicDirectory.WriteError?
        for (file, result) in zip(files, results) {
            if let status = result.status {
                records[file.path] = OutputRecord(inputs: file.inputs, status: status)
                written.append(file.path)
            } else {
                records[file.path] = nil
                failure = failure ?? result.failure
            }
        }
        return (written, failure)
    }

    /// Removes the files a clean build would not write, and folders left empty.
    func removeUnplanned(_ planned: [PlannedFile], _ job: IncrementalWrite, in destination: String) -> [String] {
        let plannedPaths = Set(planned.map(\.path))
        let removed = job.tree.files.keys.filter { !plannedPaths.contains($0) }.sorted()
        for path in removed { try? FileManager.default.removeItem(atPath: join(destination, path)) }
        // Deepest first, so a folder whose only content was an empty folder goes too.
        for directory in job.tree.directories.sorted(by: { $0.count > $1.count }) {
            let path = join(destination, directory)
            if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { try? FileManager.default.removeItem(atPath: path) }
        }
        return removed
    }
}
