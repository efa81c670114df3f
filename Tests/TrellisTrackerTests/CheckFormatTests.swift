import Foundation
import Testing
import TrellisTestSupport

/// `trellis check --format json|github`: the same findings, for editors and CI.
@Suite struct CheckFormatTests {
    private func brokenCurriculum() throws -> (ScratchDirectory, String) {
        let scratch = try ScratchDirectory()
        let folder = try scratch.copyOfValidCurriculum()
        let path = folder + "/modules/planning.md"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "duration: 60", with: "duration: sixty")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (scratch, folder)
    }

    @Test func jsonNamesFileLineColumnSeverityMessageAndFix() throws {
        let (scratch, folder) = try brokenCurriculum()
        let result = try runTrellis(["check", "--curriculum", folder, "--format", "json", "--today", "2026-11-23"],
                                    environment: ["TRELLIS_DB": scratch.path + "/none.sqlite"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["errors"] as? Int == 1 && report["warnings"] as? Int == 0 && report["modules"] as? Int == 3)
        let entry = try #require((report["diagnostics"] as? [[String: Any]])?.first)
        #expect(entry["file"] as? String == folder + "/modules/planning.md")
        #expect(entry["line"] as? Int == 5 && entry["column"] as? Int == 11 && entry["severity"] as? String == "error")
        #expect(entry["message"] as? String == "field `duration` must be a whole number, not `sixty`")
        #expect((entry["fix"] as? String)?.hasPrefix("write a number") == true)
        #expect(result.error.isEmpty, "nothing but JSON on stdout, and nothing on stderr")
    }

    @Test func githubAnnotationsMarkTheLine() throws {
        let (scratch, folder) = try brokenCurriculum()
        let result = try runTrellis(["check", "--curriculum", folder, "--format", "github", "--today", "2026-11-23"],
                                    environment: ["TRELLIS_DB": scratch.path + "/none.sqlite"])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "::error file=\(folder)/modules/planning.md,line=5,col=11,title=trellis check::field `duration` must be a whole number, not `sixty` — write a number such as `duration: 1`",
                "\(lines)")
        #expect(lines.last == "Checked 3 modules and 2 competencies: 1 error, 0 warnings.")
    }
}
