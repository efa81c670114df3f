import Foundation
import TrellisModel
import TrellisCurriculum

/// Paths into the test fixtures (`Tests/Fixtures`, shared by every test target), found from
/// this file's location in the source tree.
package enum Fixtures {
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    package static let root = packageRoot + "/Tests/Fixtures"
    package static let valid = root + "/valid"
    package static let markdown = root + "/markdown"
    package static let golden = root + "/golden"
    package static let theme = packageRoot + "/Site"
    package static let today = CalendarDate("2026-11-23")!
}

/// A scratch folder that removes itself; tests write curricula into it.
package final class ScratchDirectory {
    package let path: String

    package init() throws {
        path = NSTemporaryDirectory() + "trellis-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies the valid fixture curriculum here and returns its folder.
    package func copyOfValidCurriculum() throws -> String {
        let destination = path + "/Curriculum"
        try FileManager.default.copyItem(atPath: Fixtures.valid, toPath: destination)
        return destination
    }

    package func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

/// Every file below `directory` with its bytes, for comparing whole sites.
package func snapshot(of directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for relative in listFilesRecursively(directory) {
        files[relative] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative))
    }
    return files
}

/// Loads and checks a curriculum folder.
package func diagnostics(for directory: String, today: CalendarDate = Fixtures.today) -> [Diagnostic] {
    let (curriculum, loadDiagnostics) = CurriculumLoader(directory: directory).load()
    return (loadDiagnostics + CurriculumChecker(today: today).check(curriculum)).sortedByLocation()
}
