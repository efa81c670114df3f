import Foundation

/// Bringing the output folder up to date with the sources: the phases of `SiteState.update`.
extension SiteState {
    /// Brings the output folder up to date with the sources.
    ///
    /// Throws `DiagnosticList` when the curriculum or theme has errors — nothing is written
    /// then, and the state still remembers the parsed files, so the fix rebuilds quickly — or
    /// `AtomicDirectory.WriteError` when a file cannot be written.
    ///
    /// - Parameters:
    ///   - clean: ignore what was built before and write each edition whole, into a temporary
    ///     folder swapped in when complete.
    ///   - deferring: files (paths within an edition) to write after all the others in an
    ///     incremental build. `trellis serve` defers the whole-curriculum files
    ///     (`manual.html`, `search-index.js`: megabytes each for a large curriculum).
    ///   - whenPrimaryFilesWritten: when given (by `trellis serve`, for a reader waiting), an
    ///     incremental build writes the pages of the modules whose files changed first, and
    ///     calls this with the outcome so far; then every other file but the deferred ones,
    ///     and calls it again; then the deferred files.
    ///   - beforeWriting: called once the sources have checked clean, before anything is
    ///     written (`--pdf` looks for Chromium there, so curriculum errors are reported first).
    ///   - whenChecked: called with the state once the sources are parsed and have checked
    ///     clean, before anything is written (`trellis build` starts saving the parsed modules
    ///     to its cache there, while the site is written).
    ///   - beforePublishing: called in a clean build with each edition's finished temporary
    ///     folder and the modules in reading order, before the folder is swapped in (`--pdf`
    ///     prints there, so a failed print leaves the previous site as it was).
    public mutating func update(today: CalendarDate, linksPDFHandouts: Bool = false, clean: Bool = false,
                                deferring: Set<String> = [], whenPrimaryFilesWritten: ((Outcome) -> Void)? = nil,
                                beforeWriting: (() throws -> Void)? = nil,
                                whenChecked: ((SiteState) -> Void)? = nil,
                                beforePublishing: ((Edition, String, [Module]) throws -> Void)? = nil) throws -> Outcome {
        var clock = Stopwatch()
        var scan = scanSources()
        let changed = refreshDigests(&scan)
        lastChangedSources = changed.sorted()
        let digests = sourceDigests()
        let checkKey = self.checkKey(today: today, curriculumSources: digests.curriculum)
        let planKeys = Dictionary(uniqueKeysWithValues: settings.editions.map {
            ($0, planKey(edition: $0, linksPDFHandouts: linksPDFHandouts, checkKey: checkKey, allSources: digests.all))
        })
        clock.lap("scan")

        if !clean, changed.isEmpty, let check, check.key == checkKey,
           settings.editions.allSatisfy({ edition in editions[edition].map { $0.planKey == planKeys[edition] && outputsAreIntact(edition, $0) } ?? false }) {
            clock.lap("verify")
            return Outcome(modules: check.modules,
                           pagesPerEdition: Dictionary(uniqueKeysWithValues: settings.editions.map { ($0, editions[$0]?.pages ?? 0) }),
                           warnings: check.diagnostics.warnings.sortedByLocation(), notices: notices(searchAvailable: searchAvailable),
                           writtenFiles: [:], removedFiles: [:], timings: clock.laps)
        }

        // The theme (templates parsed and compiled) is read while the modules are parsed.
        let themeKey = self.themeKey(scan)
        let themeDirectory = settings.themeDirectory
        let themeLoad = theme?.key == themeKey ? nil : BackgroundWork { Theme.load(from: themeDirectory) }
        let curriculum = parse(scan)
        scan.contents = [:]  // every source's bytes: parsed now, and megabytes for a large curriculum
        clock.lap("parse")
        let diagnostics: [Diagnostic]
        if let check, check.key == checkKey {
            diagnostics = check.diagnostics
        } else {
            diagnostics = runCheck(curriculum, today: today)
            check = CheckRecord(key: checkKey, diagnostics: diagnostics, modules: curriculum.curriculum.modules.count)
        }
        clock.lap("check")
        if diagnostics.hasErrors { throw DiagnosticList(diagnostics) }
        let theme = try loadTheme(key: themeKey, loading: themeLoad)
        let library = loadSearchLibrary()
        let options = SiteOptions(searchLibrary: library, linksPDFHandouts: linksPDFHandouts)
        try beforeWriting?()
        whenChecked?(self)

        let moduleDigests = curriculum.moduleDigests
        var copyDigests: [String: ContentDigest] = [:]
        for path in scan.copiedSources { copyDigests[path] = sources[path]?.digest }
        let copies = copyDigests

        var outcome = Outcome(modules: curriculum.curriculum.modules.count, pagesPerEdition: [:],
                              warnings: diagnostics.warnings.sortedByLocation(), notices: notices(searchAvailable: library != nil),
                              writtenFiles: [:], removedFiles: [:])
        defer { fragments.endGeneration() }

        let clean = clean, outputDirectory = settings.outputDirectory, fragments = keepsRenderedFragments ? self.fragments : nil
        let builders = settings.editions.map { edition -> SiteBuilder in
            var builder = SiteBuilder(curriculum: curriculum.curriculum, theme: theme, edition: edition, options: options)
            builder.moduleDigests = moduleDigests
            builder.copyDigests = copies
            builder.fragments = fragments
            return builder
        }
        let contexts = builders.concurrentMap { $0.makeSharedContext() }

        // With a reader waiting (`trellis serve`), the pages of the modules just edited come
        // first: they need only their own digests, not the whole plan.
        if let whenPrimaryFilesWritten, !clean {
            let edited = Set(zip(curriculum.curriculum.modules, curriculum.moduleFiles)
                .filter { changed.contains(join(loader.modulesDirectory, $0.1.name)) }.map(\.0.id))
            var wroteAny = false
            for (builder, context) in zip(builders, contexts) where !edited.isEmpty {
                let edition = builder.edition
                let destination = join(outputDirectory, edition.rawValue)
                guard let previous = editions[edition], FileStatus.of(destination)?.kind == .directory else { continue }
                let stale = builder.planModulePages(edited, context).filter { file in
                    guard let record = previous.files[file.path], record.inputs == file.inputs else { return true }
                    return FileStatus.of(join(destination, file.path), followingLinks: false) != record.status
                }
                guard !stale.isEmpty else { continue }
                var records = previous.files
                editions[edition] = nil
                let plan = EditionPlan(edition: edition, builder: builder, context: context, planned: stale, destination: destination, pages: 0)
                let result = write(stale, plan, records: &records)
                editions[edition] = EditionRecord(planKey: previous.planKey, files: records, pages: previous.pages)
                outcome.writtenFiles[edition] = result.written
                wroteAny = wroteAny || !result.written.isEmpty
                if let failure = result.failure { throw failure }
            }
            clock.lap("write edited")
            if wroteAny {
                var first = outcome
                first.timings = clock.laps
                whenPrimaryFilesWritten(first)
            }
        }

        // Plan every edition before writing any (both at once: planning is mostly serial
        // work), so that the files a reader is waiting for can be written first in both.
        let previousRecords = editions
        let plans = Array(zip(builders, contexts)).concurrentMap { builder, context -> EditionPlan in
            let edition = builder.edition
            let planned = builder.plan(context)
            let destination = join(outputDirectory, edition.rawValue)
            var plan = EditionPlan(edition: edition, builder: builder, context: context, planned: planned, destination: destination,
                                   pages: planned.filter { $0.path.hasSuffix(".html") }.count)
            if let previous = previousRecords[edition], !clean, FileStatus.of(destination)?.kind == .directory {
                plan.incremental = IncrementalWrite(planned: planned, destination: destination, previous: previous)
            }
            return plan
        }
        var incremental: [EditionPlan] = []
        for plan in plans {
            outcome.pagesPerEdition[plan.edition] = plan.pages
            if plan.incremental != nil {
                incremental.append(plan)
                continue
            }
            // Forget the edition's record first: if writing fails part-way, the next build
            // compares with the files on disk rather than with a record that is no longer true.
            editions[plan.edition] = nil
            let records = try writeClean(plan.planned, builder: plan.builder, context: plan.context, to: plan.destination,
                                         edition: plan.edition, beforePublishing: beforePublishing)
            editions[plan.edition] = EditionRecord(planKey: planKeys[plan.edition]!, files: records, pages: plan.pages)
            outcome.writtenFiles[plan.edition] = plan.planned.map(\.path)
            outcome.removedFiles[plan.edition] = []
        }
        clock.lap("plan")

        for phase in [false, true] where !incremental.isEmpty {
            for index in incremental.indices {
                var plan = incremental[index]
                var job = plan.incremental!
                defer {
                    plan.incremental = job
                    incremental[index] = plan
                }
                let files = job.stale.filter { deferring.contains($0.path) == phase }
                editions[plan.edition] = nil
                let result = write(files, plan, records: &job.records)
                if job.written.isEmpty, !phase { job.written = outcome.writtenFiles[plan.edition] ?? [] }
                job.written += result.written
                if !phase { job.removed = removeUnplanned(plan.planned, job, in: plan.destination) }
                editions[plan.edition] = EditionRecord(planKey: phase ? planKeys[plan.edition]! : job.previous.planKey,
                                                       files: job.records, pages: plan.pages)
                outcome.writtenFiles[plan.edition] = job.written
                outcome.removedFiles[plan.edition] = job.removed
                if let failure = result.failure { throw failure }
            }
            clock.lap(phase ? "write deferred" : "write")
            if !phase, let whenPrimaryFilesWritten {
                var primary = outcome
                primary.timings = clock.laps
                whenPrimaryFilesWritten(primary)
            }
        }
        searchAvailable = library != nil
        outcome.timings = clock.laps
        return outcome
    }

    /// Gets a preview ready for the first edit: loads the parsed modules kept in the cache,
    /// checks every module, and renders each module's share of the whole-curriculum files,
    /// without writing anything. Otherwise the first save after `trellis serve` starts would
    /// wait for all of that. Does nothing when the sources have errors.
    public mutating func prepareForEdits(today: CalendarDate) {
        defer { fragments.endGeneration() }
        // Only what the last build read: a file changed since then is the next rebuild's to
        // notice and report, so it is neither hashed nor parsed here.
        var scan = scanSources()
        scan.moduleFiles = scan.moduleFiles.filter { sources[join(loader.modulesDirectory, $0)] != nil }
        scan.assets = scan.assets.filter { sources[join(settings.curriculumDirectory, $0)] != nil }
        scan.copiedSources = scan.copiedSources.filter { sources[$0] != nil }
        let digests = sourceDigests()
        let checkKey = self.checkKey(today: today, curriculumSources: digests.curriculum)
        let curriculum = parse(scan)
        let diagnostics = runCheck(curriculum, today: today)
        check = CheckRecord(key: checkKey, diagnostics: diagnostics, modules: curriculum.curriculum.modules.count)
        guard !diagnostics.hasErrors, let theme = try? loadTheme(key: themeKey(scan)) else { return }
        let options = SiteOptions(searchLibrary: loadSearchLibrary())
        let moduleDigests = curriculum.moduleDigests
        for edition in settings.editions {
            var builder = SiteBuilder(curriculum: curriculum.curriculum, theme: theme, edition: edition, options: options)
            builder.moduleDigests = moduleDigests
            builder.fragments = fragments
            builder.prepareFragments(builder.makeSharedContext())
        }
    }

    func notices(searchAvailable: Bool) -> [String] {
        searchAvailable ? [] : [SearchLibrary.unavailableWarning(path: settings.searchLibraryPath)]
    }

    /// A module's identity for page digests: its file name and bytes (its path and the
    /// editions rendered are the same for the whole state).
    static func moduleDigest(fileName: String, source: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("module source")
        digest.add(fileName)
        digest.add(source)
        return digest.finish()
    }
}
