import Foundation
@testable import TrellisCore

/// Paths into the test fixtures, found from this file's location in the source tree.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let valid = root + "/valid"
    static let markdown = root + "/markdown"
    static let golden = root + "/golden"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let theme = packageRoot + "/Site"
    static let today = CalendarDate("2026-11-23")!
}

/// A scratch folder that removes itself; tests write curricula into it.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "trellis-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies the valid fixture curriculum here and returns its folder.
    func copyOfValidCurriculum() throws -> String {
        let destination = path + "/Curriculum"
        try FileManager.default.copyItem(atPath: Fixtures.valid, toPath: destination)
        return destination
    }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

/// Every file below `directory` with its bytes, for comparing whole sites.
func snapshot(of directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for relative in listFilesRecursively(directory) {
        files[relative] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative))
    }
    return files
}

/// Loads and checks a curriculum folder.
func diagnostics(for directory: String, today: CalendarDate = Fixtures.today) -> [Diagnostic] {
    let (curriculum, loadDiagnostics) = CurriculumLoader(directory: directory).load()
    return (loadDiagnostics + CurriculumChecker(today: today).check(curriculum)).sortedByLocation()
}
