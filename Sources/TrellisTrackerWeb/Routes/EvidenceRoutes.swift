import Hummingbird
import TrellisModel
import TrellisTracker

/// Recording evidence from the browser: observed practice and coaching sessions (coaches,
/// supervisors, coordinators), supervisor sign-offs and their queue, and a trainee's own
/// reflections. Every record is the signed-in person's: a coach or supervisor is the observer;
/// a coordinator entering a paper form names the observer and is shown as having entered it.
extension TrackerWebApp {
    /// The forms and the evidence kind each records.
    enum EvidenceForm: String, CaseIterable {
        case observation, coaching

        var kind: EvidenceKind { self == .observation ? .observedPractice : .coachingSession }
        var title: String { self == .observation ? "Record observed practice" : "Record a coaching session" }
    }

    func addEvidenceRoutes(_ router: Router<WebRequestContext>) {
        for form in EvidenceForm.allCases {
            router.get("/trainees/:id/\(form.rawValue)") { _, context in
                let (visitor, trainee) = try await observer(context)
                return evidenceFormPage(form, trainee, visitor, values: FormFields([("date", today().description)]), errors: [:])
            }
            router.post("/trainees/:id/\(form.rawValue)") { request, context in
                var request = request
                let (visitor, trainee) = try await observer(context)
                let values = try await request.form(context)
                var errors: [String: String] = [:]
                var observerName = visitor.account.login
                if visitor.account.role == .coordinator {
                    if let named = values["observer"] { observerName = named } else { errors["observer"] = "Name the coach or supervisor whose form this is." }
                }
                var input = EvidenceInput(trainee: trainee.id, kind: form.kind.name, date: values["date"], observer: observerName, note: values["note"])
                switch form {
                case .observation:
                    input.about = values["competency"].map { "competency:\($0)" }
                    input.level = values["level"]
                    if input.about == nil { errors["competency"] = "Choose the competency you observed." }
                    if input.level == nil { errors["level"] = "Choose the level of the practice you saw." }
                case .coaching:
                    input.minutes = values["minutes"]
                    input.competencies = values.all("competencies").joined(separator: ",")
                    input.nextStep = values["next_step"]
                    if input.minutes == nil { errors["minutes"] = "Write how long the session was, in minutes." }
                }
                if errors.isEmpty {
                    do {
                        let tracker = tracker(visitor, context, action: "record-\(form.kind.name)", subject: "trainee:\(trainee.id)")
                        _ = try await tracker.record(input)
                        return redirect(to: "/trainees/\(trainee.id)?recorded=\(form.kind.name)")
                    } catch let error as TrackerError {
                        errors.merge(Self.fieldErrors(error), uniquingKeysWith: { first, _ in first })
                    }
                }
                return evidenceFormPage(form, trainee, visitor, values: values, errors: errors, status: .unprocessableContent)
            }
        }

        router.get("/sign-offs") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.supervisor)
            let queue = try await SignoffQueue(app: self, visitor: visitor).items()
            try await audit(context, "view-sign-off-queue", subject: "trainees:\(Set(queue.map(\.traineeID)).count)")
            var fields: [String: Any] = ["items": queue.map(\.fields), "none": queue.isEmpty]
            if request.uri.queryParameters["signed"] != nil { fields["notice"] = "Signed off. The trainee's level is updated." }
            return pages.page("sign-offs", title: "Sign-off queue", visitor: visitor, fields)
        }

        router.post("/trainees/:id/sign-off") { request, context in
            var request = request
            let visitor = try context.signedIn()
            try visitor.require(.supervisor)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            let values = try await request.form(context)
            let input = EvidenceInput(trainee: trainee.id, kind: EvidenceKind.supervisorSignoff.name, about: values["competency"].map { "competency:\($0)" },
                                      date: today().description, observer: visitor.account.login, note: values["note"])
            do {
                _ = try await tracker(visitor, context, action: "record-supervisor-signoff", subject: "trainee:\(trainee.id)").record(input)
            } catch let error as TrackerError {
                throw HTTPError(.unprocessableContent, message: "The sign-off was not recorded. \(WebText.message(error))")
            }
            return redirect(to: values["return"] == "queue" ? "/sign-offs?signed=1" : "/trainees/\(trainee.id)?recorded=supervisor-signoff")
        }

        router.post("/me/reflections") { request, context in
            var request = request
            let visitor = try context.signedIn()
            try visitor.require(.trainee)
            guard let id = visitor.account.traineeID else { throw notFound() }
            let trainee = try await reachableTrainee(id, visitor)
            let values = try await request.form(context)
            guard let note = values["note"] else {
                return try await transcriptPage(trainee, visitor, context, template: "me", title: "My progress", status: .unprocessableContent,
                                                extra: ["reflectionError": "Write your reflection first."])
            }
            let input = EvidenceInput(trainee: trainee.id, kind: EvidenceKind.reflection.name, about: values["competency"].map { "competency:\($0)" },
                                      date: today().description, note: note)
            do {
                _ = try await tracker(visitor, context, action: "record-reflection", subject: "trainee:\(trainee.id)").record(input)
            } catch let error as TrackerError {
                return try await transcriptPage(trainee, visitor, context, template: "me", title: "My progress", status: .unprocessableContent,
                                                extra: ["reflectionError": WebText.message(error), "reflectionNote": note])
            }
            return redirect(to: "/me?saved=reflection")
        }
    }

    /// The visitor, who must be a coach, supervisor or coordinator, and the trainee of the route, who they must reach.
    private func observer(_ context: WebRequestContext) async throws -> (Visitor, Trainee) {
        let visitor = try context.signedIn()
        try visitor.require(.coach, .supervisor, .coordinator)
        return (visitor, try await reachableTrainee(try context.parameters.require("id"), visitor))
    }

    /// A validation error's message by form field (`about` is the competency field).
    static func fieldErrors(_ error: TrackerError) -> [String: String] {
        var result: [String: String] = [:]
        for part in error.parts.isEmpty ? [error] : error.parts {
            let field = switch part.field { case "about": "competency"; case "nextStep": "next_step"; case let other?: other; case nil: "form" }
            let text = WebText.message(part)
            result[field] = result[field].map { $0 + " " + text } ?? text
        }
        return result
    }

    private func evidenceFormPage(_ form: EvidenceForm, _ trainee: Trainee, _ visitor: Visitor, values: FormFields,
                                  errors: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let chosen = Set(values.all("competencies"))
        var fields: [String: Any] = [
            "trainee": ["id": trainee.id, "name": trainee.name],
            "action": "/trainees/\(trainee.id)/\(form.rawValue)",
            "isObservation": form == .observation,
            "onBehalf": visitor.account.role == .coordinator,
            "date": values["date"] ?? "", "note": values["note"] ?? "", "minutes": values["minutes"] ?? "",
            "next_step": values["next_step"] ?? "", "observer": values["observer"] ?? "",
            "competencies": curriculum.framework.competencies.map {
                ["id": $0.id, "title": $0.title, "selected": $0.id == values["competency"], "checked": chosen.contains($0.id)] as [String: Any]
            },
            "levels": curriculum.framework.scale.map { ["id": $0.id, "name": $0.name, "selected": $0.id == values["level"]] as [String: Any] },
            "hasErrors": !errors.isEmpty,
        ]
        for (field, message) in errors { fields["error_" + field] = message }
        fields["errorList"] = errors.sorted { $0.key < $1.key }.map { ["field": $0.key, "message": $0.value] }
        return pages.page("evidence-form", title: form.title, visitor: visitor, status: status, fields)
    }
}
