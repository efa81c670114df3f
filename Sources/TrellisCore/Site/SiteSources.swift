import Foundation

/// The sources a build reads: their `stat`, and their digests when they changed.
extension SiteState {
    struct SourceScan: Sendable {
        /// Every source file present, with its `stat`.
        var statuses: [String: FileStatus] = [:]
        var moduleFiles: [String] = []
        var assets: [String] = []
        /// Assets and theme static files: copied to the site as they are.
        var copiedSources: [String] = []
        /// Bytes read while hashing, by path, for parsing without reading twice.
        var contents: [String: Data] = [:]
    }

    var templatesDirectory: String { join(settings.themeDirectory, "templates") }
    var staticDirectory: String { join(settings.themeDirectory, "static") }

    func templatePath(_ name: String) -> String { join(templatesDirectory, name + ".mustache") }

    /// Lists and stats every source file (the `stat`s on every core: a large curriculum has
    /// tens of thousands of files).
    func scanSources() -> SourceScan {
        var scan = SourceScan()
        let loader = self.loader
        var paths: [String] = []
        func add(_ path: String) { paths.append(path) }
        add(loader.manifestPath)
        add(loader.frameworkPath)
        add(loader.credentialsPath)
        scan.moduleFiles = loader.moduleFileNames()
        for name in scan.moduleFiles { add(join(loader.modulesDirectory, name)) }
        scan.assets = loader.assetPaths()
        for asset in scan.assets {
            let path = join(settings.curriculumDirectory, asset)
            add(path)
            scan.copiedSources.append(path)
        }
        for name in Theme.requiredTemplates { add(templatePath(name)) }
        for file in listFilesRecursively(staticDirectory) {
            let path = join(staticDirectory, file)
            add(path)
            scan.copiedSources.append(path)
        }
        add(settings.searchLibraryPath)
        let statuses = paths.concurrentMap { FileStatus.of($0) }
        scan.statuses.reserveCapacity(paths.count)
        for (path, status) in zip(paths, statuses) where status?.kind == .regular { scan.statuses[path] = status }
        return scan
    }

    /// Hashes the sources whose `stat` changed (or that were read too soon after their last
    /// change to trust it); returns the paths added, removed or with new contents.
    mutating func refreshDigests(_ scan: inout SourceScan) -> Set<String> {
        let now = FileStatus.now()
        var toRead: [String] = []
        for (path, status) in scan.statuses {
            if let old = sources[path], old.status == status, old.status.modified + Self.racyWindow < old.verifiedAt { continue }
            toRead.append(path)
        }
        let read = toRead.concurrentMap { path -> (path: String, data: Data?, digest: ContentDigest) in
            let data = FileManager.default.contents(atPath: path)
            return (path, data, data.map { ContentDigest.of($0) } ?? .zero)
        }
        var changed = Set(sources.keys.filter { scan.statuses[$0] == nil })
        var fresh = sources.filter { scan.statuses[$0.key] != nil }
        for (path, data, digest) in read {
            if sources[path]?.digest != digest { changed.insert(path) }
            fresh[path] = SourceRecord(status: scan.statuses[path]!, digest: digest, verifiedAt: now)
            if let data { scan.contents[path] = data }
        }
        sources = fresh
        return changed
    }

    /// A source's bytes: as read for hashing, or read now; nil when it does not exist.
    func contents(of path: String, _ scan: SourceScan) -> Data? {
        if let data = scan.contents[path] { return data }
        return sources[path] == nil ? nil : FileManager.default.contents(atPath: path)
    }

    /// Digests of every source, and of the curriculum's sources alone (what the check reads).
    func sourceDigests() -> (all: ContentDigest, curriculum: ContentDigest) {
        var all = DigestBuilder("sources"), curriculum = DigestBuilder("curriculum sources")
        let curriculumPrefix = settings.curriculumDirectory.hasSuffix("/") ? settings.curriculumDirectory : settings.curriculumDirectory + "/"
        for (path, record) in sources.sorted(by: { $0.key < $1.key }) {
            all.add(path)
            all.add(record.digest)
            if path.hasPrefix(curriculumPrefix) {
                curriculum.add(path)
                curriculum.add(record.digest)
            }
        }
        return (all.finish(), curriculum.finish())
    }

    /// Digest of everything the check reads: the curriculum's files and today's date.
    func checkKey(today: CalendarDate, curriculumSources: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("check")
        digest.add(today.description)
        digest.add(curriculumSources)
        return digest.finish()
    }

    func planKey(edition: Edition, linksPDFHandouts: Bool, checkKey: ContentDigest, allSources: ContentDigest) -> ContentDigest {
        var digest = DigestBuilder("plan")
        digest.add(edition.rawValue)
        digest.add(linksPDFHandouts)
        digest.add(checkKey)
        digest.add(allSources)
        return digest.finish()
    }
}
