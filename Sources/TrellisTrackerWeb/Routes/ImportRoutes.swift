import Foundation
import Hummingbird
import TrellisModel
import TrellisTracker

/// A coordinator's CSV upload: the file is checked exactly as `trellis import` checks it, in a
/// transaction that is rolled back, and the result shown line by line; only on confirmation is
/// it imported, again all or nothing (a file that has become invalid since writes nothing).
/// Rows may name only trainees of the coordinator's own sites.
extension TrackerWebApp {
    func addImportRoutes(_ router: Router<WebRequestContext>) {
        router.get("/import") { _, context in
            let visitor = try importer(context)
            return pages.page("import", title: "Import a CSV file", visitor: visitor, uploadFields())
        }

        router.post("/import") { request, context in
            var request = request
            let visitor = try importer(context)
            let form = try await request.form(context)
            guard let csv = form.raw("file"), !csv.isEmpty else {
                var fields = uploadFields()
                fields["error"] = "Choose a CSV file first."
                return pages.page("import", title: "Import a CSV file", visitor: visitor, status: .unprocessableContent, fields)
            }
            let (report, problems) = try await check(csv, visitor, context, checkOnly: true)
            try await audit(context, "check-import", subject: "rows:\(report?.rows ?? 0)", outcome: problems.isEmpty ? "ok" : "problems")
            return resultPage(visitor, csv: csv, report: report, problems: problems, confirmed: false)
        }

        router.post("/import/confirm") { request, context in
            var request = request
            let visitor = try importer(context)
            let form = try await request.form(context)
            // The confirmation carries the checked file back, as base64 (browsers rewrite the line
            // ends of form values); its digest shows it is the same file.
            let csv = form.raw("csv").flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) } ?? ""
            guard !csv.isEmpty, form["digest"] == SecretToken.hash(csv) else {
                throw HTTPError(.badRequest, message: "The file to import did not come back as it was checked. Upload it again.")
            }
            let (report, problems) = try await check(csv, visitor, context, checkOnly: false)
            return resultPage(visitor, csv: csv, report: report, problems: problems, confirmed: true)
        }
    }

    private func importer(_ context: WebRequestContext) throws -> Visitor {
        let visitor = try context.signedIn()
        try visitor.require(.coordinator)
        return visitor
    }

    /// Checks (or imports) the file; the report, and every problem by line (none when it is good).
    private func check(_ csv: String, _ visitor: Visitor, _ context: WebRequestContext, checkOnly: Bool) async throws -> (CSVImporter.Report?, [TrackerError]) {
        let data = Data(csv.utf8)
        let scope = try await scopeProblems(data, visitor)
        if !scope.isEmpty { return (nil, scope) }
        let tracker = checkOnly ? Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
            : tracker(visitor, context, action: "import", subject: "upload:\(SecretToken.hash(csv).prefix(16))")
        do {
            let report = try await CSVImporter(tracker: tracker).importData(data, checkOnly: checkOnly)
            return (report, [])
        } catch let failure as ImportFailure {
            return (failure.report, failure.report.problems)
        } catch let error as TrackerError {
            return (nil, [error])
        }
    }

    /// Rows that name a trainee outside the coordinator's sites (or a site that is not theirs).
    private func scopeProblems(_ data: Data, _ visitor: Visitor) async throws -> [TrackerError] {
        guard let table = try? CSVTable.parse(data), let kind = try? CSVImporter.detectKind(table.header) else { return [] }
        let trainees = Dictionary(try await store.read { try await $0.trainees() }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let column = kind == .trainees ? "site" : "trainee"
        guard let index = table.header.firstIndex(of: column) else { return [] }
        var problems: [TrackerError] = []
        for record in table.records where index < record.fields.count {
            let value = CSVField.unescape(record.fields[index]).trimmingWhitespace
            switch kind {
            case .trainees:
                var probe = Trainee(id: "probe", name: "probe", startDate: today())
                probe.site = value.isEmpty ? nil : value
                if !visitor.mayReach(probe) {
                    problems.append(TrackerError("site `\(value)` is not one of your sites", remedy: "your sites: \(Self.sites(of: visitor))", line: record.line))
                }
            case .evidence:
                if let trainee = trainees[value], !visitor.mayReach(trainee) {
                    problems.append(TrackerError("trainee `\(value)` is not on your sites", remedy: "import only your own sites' trainees", line: record.line))
                }
            }
        }
        return problems
    }

    private func uploadFields() -> [String: Any] {
        ["traineeColumns": CSVImporter.traineeColumns.joined(separator: ", "), "evidenceColumns": CSVImporter.evidenceColumns.joined(separator: ", ")]
    }

    private func resultPage(_ visitor: Visitor, csv: String, report: CSVImporter.Report?, problems: [TrackerError], confirmed: Bool) -> Response {
        var fields: [String: Any] = [
            "hasProblems": !problems.isEmpty, "confirmed": confirmed,
            "problems": problems.map { ["line": $0.line.map(String.init) ?? "–", "message": WebText.problem($0), "remedy": WebText.remedy($0)] },
            "problemCount": WebText.count(problems.count, "problem"),
        ]
        if let report {
            fields["report"] = ["file": report.kind == .evidence ? "An evidence file" : "A trainees file", "rows": WebText.count(report.rows, "row"),
                                "inserted": report.inserted, "alreadyPresent": report.alreadyPresent, "checked": problems.isEmpty] as [String: Any]
        }
        if problems.isEmpty, !confirmed, (report?.inserted ?? 0) > 0 {
            fields["confirm"] = ["csv": Data(csv.utf8).base64EncodedString(), "digest": SecretToken.hash(csv)]
        }
        let status: HTTPResponse.Status = problems.isEmpty ? .ok : .unprocessableContent
        return pages.page("import-result", title: confirmed && problems.isEmpty ? "Imported" : "Check of the file", visitor: visitor, status: status, fields)
    }
}
