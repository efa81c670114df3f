import Foundation
import Hummingbird
import TrellisModel
import TrellisTracker

/// A coordinator's pages for the sites they are given: adding and editing trainees, voiding a
/// record with a reason, the program report with CSV and JSON downloads, the due list and
/// completion records. The same operations, checks and exports as the command line.
extension TrackerWebApp {
    /// The trainee fields the add and edit forms carry, by their command-line names.
    static let traineeFormFields = ["name", "email", "cohort", "site", "supervisor", "start_date", "status", "credential", "program"]

    func addCoordinatorRoutes(_ router: Router<WebRequestContext>) {
        router.get("/trainees/new") { _, context in
            let visitor = try coordinator(context)
            return traineeFormPage(visitor, trainee: nil, values: FormFields([("start_date", today().description)]), errors: [:])
        }

        router.post("/trainees/new") { request, context in
            var request = request
            let visitor = try coordinator(context)
            let form = try await request.form(context)
            // Every problem at once, each beside its field.
            var errors: [String: String] = [:]
            let id = form["id"] ?? ""
            var trainee = Trainee(id: id, name: "", startDate: today())
            if id.isEmpty { errors["id"] = "Give the trainee an id, such as T0042." } else {
                do { try Tracker.checkTraineeID(id) } catch let error as TrackerError { errors["id"] = WebText.message(error) }
            }
            if form["name"] == nil { errors["name"] = "The name is empty: give the trainee's name." }
            for field in Self.traineeFormFields where form[field] != nil {
                do { try trainee.set(field, to: form[field]) } catch let error as TrackerError { errors[field] = WebText.message(error) }
            }
            if errors["site"] == nil, !visitor.mayReach(trainee) {
                errors["site"] = "You can add trainees only to your own sites: \(Self.sites(of: visitor))."
            }
            if errors.isEmpty {
                do {
                    try await tracker(visitor, context, action: "add-trainee", subject: "trainee:\(id)").addTrainee(trainee)
                    return redirect(to: "/trainees/\(id)")
                } catch let error as TrackerError {
                    errors.merge(Self.fieldErrors(error).mapKeys { $0 == "trainee id" || $0 == "trainee" ? "id" : $0 }, uniquingKeysWith: { first, _ in first })
                }
            }
            return traineeFormPage(visitor, trainee: nil, values: form, errors: errors, status: .unprocessableContent)
        }

        router.get("/trainees/:id/edit") { _, context in
            let visitor = try coordinator(context)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            let values = FormFields(Self.traineeFormFields.map { ($0, Trainee.value(of: $0, in: trainee) ?? "") })
            return traineeFormPage(visitor, trainee: trainee, values: values, errors: [:])
        }

        router.post("/trainees/:id/edit") { request, context in
            var request = request
            let visitor = try coordinator(context)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            let form = try await request.form(context)
            // Only the fields the form sent and that changed are written (and kept in the trainee's history).
            let changes = Self.traineeFormFields.filter(form.has).compactMap { field -> (field: String, value: String?)? in
                let value = form[field]
                return value == Trainee.value(of: field, in: trainee) ? nil : (field, value)
            }
            guard !changes.isEmpty else { return redirect(to: "/trainees/\(trainee.id)") }
            var moved = trainee
            for change in changes { try? moved.set(change.field, to: change.value) }
            guard visitor.mayReach(moved) else {
                return traineeFormPage(visitor, trainee: trainee, values: form, errors: ["site": "You can move trainees only between your own sites: \(Self.sites(of: visitor))."],
                                       status: .unprocessableContent)
            }
            do {
                try await tracker(visitor, context, action: "edit-trainee", subject: "trainee:\(trainee.id)").editTrainee(trainee.id, changes: changes)
                return redirect(to: "/trainees/\(trainee.id)")
            } catch let error as TrackerError {
                return traineeFormPage(visitor, trainee: trainee, values: form, errors: Self.fieldErrors(error), status: .unprocessableContent)
            }
        }

        router.post("/trainees/:id/void") { request, context in
            var request = request
            let visitor = try coordinator(context)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            let form = try await request.form(context)
            let evidenceID = form["evidence"] ?? ""
            // The record must be this trainee's: an id from another trainee's page is not found.
            guard try await store.read({ try await $0.evidence(.trainee(trainee.id)) }).contains(where: { $0.id == evidenceID }) else { throw notFound() }
            do {
                _ = try await tracker(visitor, context, action: "void-evidence", subject: "evidence:\(evidenceID)").void(evidenceID, reason: form["reason"] ?? "")
            } catch let error as TrackerError {
                let message = error.message.hasPrefix("a void needs a reason") ? "Nothing was voided: a void needs a reason. Say why you are voiding this record." : WebText.message(error)
                return try await transcriptPage(trainee, visitor, context, template: "trainee", title: trainee.name, status: .unprocessableContent,
                                                extra: ["voidError": message])
            }
            return redirect(to: "/trainees/\(trainee.id)")
        }

        router.get("/reports") { _, context in
            let visitor = try coordinator(context)
            let report = try await programReport(visitor)
            try await audit(context, "view-report", subject: "trainees:\(report.trainees.count)")
            let table = report.traineeTable
            return pages.page("reports", title: "Program report", visitor: visitor, [
                "header": table.header, "rows": table.rows.map { ["cells": $0] }, "none": table.rows.isEmpty,
            ])
        }

        router.get("/reports/:file") { _, context in
            let visitor = try coordinator(context)
            let file = try context.parameters.require("file")
            guard file == "trainees.csv" || file == "trainees.json" else { throw notFound() }
            let format = String(file.dropFirst("trainees.".count))
            let report = try await programReport(visitor)
            try await audit(context, "export-report-\(format)", subject: "trainees:\(report.trainees.count)")
            if format == "csv" {
                return download(report.traineeTable.csv(), type: "text/csv; charset=utf-8", name: "trainees.csv")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return download(String(decoding: try encoder.encode(report.trainees), as: UTF8.self), type: "application/json", name: "trainees.json")
        }

        router.get("/due") { _, context in
            let visitor = try coordinator(context)
            let reachable = Set(try await store.read { try await $0.trainees() }.filter(visitor.mayReach).map(\.id))
            let tracker = Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
            let ledgers = try await tracker.credentialsDue(within: 60).filter { reachable.contains($0.traineeID) }
            try await audit(context, "view-due-list", subject: "trainees:\(ledgers.count)")
            return pages.page("due", title: "Due and lapsing", visitor: visitor, [
                "none": ledgers.isEmpty,
                "rows": ledgers.map { ledger in
                    ["trainee": ledger.traineeID, "credential": ledger.credentialID, "deadline": ledger.deadline.description,
                     "daysLeft": ledger.deadline.dayNumber - today().dayNumber, "hours": HoursText.format(ledger.countedHours),
                     "required": HoursText.format(ledger.requiredHours),
                     "short": ledger.categories.filter { $0.short > 0 }.map { "\($0.category) \(HoursText.format($0.short))" }.joined(separator: "; ")] as [String: Any]
                },
            ])
        }

        router.get("/trainees/:id/certificate") { _, context in
            let visitor = try coordinator(context)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            do {
                // The first time a completion is found, it is frozen (a write of derived data).
                let certificate = try await Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login).certificate(trainee.id)
                try await audit(context, "download-certificate", subject: "trainee:\(trainee.id)")
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: certificate.html())))
            } catch let error as TrackerError {
                return pages.page("error", title: "No completion record yet", visitor: visitor, status: .unprocessableContent, [
                    "code": 422, "message": "There is no completion record yet: \(trainee.name) has not completed the program. \(WebText.problem(error))",
                    "back": "/trainees/\(trainee.id)",
                ])
            }
        }
    }

    private func coordinator(_ context: WebRequestContext) throws -> Visitor {
        let visitor = try context.signedIn()
        try visitor.require(.coordinator)
        return visitor
    }

    /// The program report over the trainees the coordinator may reach.
    private func programReport(_ visitor: Visitor) async throws -> ProgramReport {
        let tracker = Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
        var snapshot = try await tracker.snapshot()
        snapshot.rows = snapshot.rows.filter { visitor.mayReach($0.trainee) }
        return ProgramReport(snapshot: snapshot, credentials: curriculum.credentials, withinDays: 60)
    }

    static func sites(of visitor: Visitor) -> String {
        visitor.assignments.compactMap { if case .site(let site) = $0.scope { site } else { nil } }.joined(separator: ", ")
    }

    private func download(_ text: String, type: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func traineeFormPage(_ visitor: Visitor, trainee: Trainee?, values: FormFields, errors: [String: String],
                                 status: HTTPResponse.Status = .ok) -> Response {
        var fields: [String: Any] = [
            "isNew": trainee == nil, "action": trainee.map { "/trainees/\($0.id)/edit" } ?? "/trainees/new",
            "id": trainee?.id ?? values["id"] ?? "", "hasErrors": !errors.isEmpty,
            "statuses": Trainee.Status.allCases.map { ["id": $0.rawValue, "selected": $0.rawValue == (values["status"] ?? "active")] as [String: Any] },
            "credentials": curriculum.credentials.map { ["id": $0.id, "selected": $0.id == values["credential"]] as [String: Any] },
            "programs": curriculum.framework.completionSets.map { ["id": $0.id, "title": $0.title, "selected": $0.id == values["program"]] as [String: Any] },
            "errorList": errors.sorted { $0.key < $1.key }.map { ["field": $0.key, "message": $0.value] },
        ]
        for field in Self.traineeFormFields { fields[field] = values[field] ?? "" }
        for (field, message) in errors { fields["error_" + field] = message }
        return pages.page("trainee-form", title: trainee.map { "Edit \($0.name)" } ?? "Add a trainee", visitor: visitor, status: status, fields)
    }
}

extension Dictionary {
    func mapKeys<K: Hashable>(_ transform: (Key) -> K) -> [K: Value] {
        Dictionary<K, Value>(map { (transform($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
