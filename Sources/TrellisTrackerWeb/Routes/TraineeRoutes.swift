import Hummingbird
import TrellisModel
import TrellisTracker

/// The trainees a coordinator, supervisor or coach may reach, each one's transcript, and a
/// trainee's own progress page.
extension TrackerWebApp {
    func addTraineeRoutes(_ router: Router<WebRequestContext>) {
        router.get("/trainees") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.coordinator, .supervisor, .coach)
            let trainees = try await store.read { try await $0.trainees() }.filter(visitor.mayReach)
            try await audit(context, "view-trainee-list", subject: "trainees:\(trainees.count)")
            let rows: [[String: Any]] = trainees.map {
                ["id": $0.id, "name": $0.name, "cohort": $0.cohort ?? "", "site": $0.site ?? "", "status": $0.status.rawValue]
            }
            return pages.page("trainees", title: visitor.account.role == .coordinator ? "Trainees" : "My trainees", visitor: visitor,
                              ["trainees": rows, "none": rows.isEmpty, "count": rows.count])
        }

        router.get("/trainees/:id") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.coordinator, .supervisor, .coach)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            return try await transcriptPage(trainee, visitor, context, template: "trainee", title: trainee.name)
        }

        router.get("/me") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.trainee)
            guard let id = visitor.account.traineeID else { throw notFound() }
            let trainee = try await reachableTrainee(id, visitor)
            return try await transcriptPage(trainee, visitor, context, template: "me", title: "My progress")
        }
    }

    func transcriptPage(_ trainee: Trainee, _ visitor: Visitor, _ context: WebRequestContext, template: String, title: String,
                        status: HTTPResponse.Status = .ok, extra: [String: Any] = [:]) async throws -> Response {
        let tracker = Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
        let transcript = try await tracker.transcript(trainee.id)
        try await audit(context, "view-trainee", subject: "trainee:\(trainee.id)")
        var fields = TranscriptView(transcript: transcript, curriculum: curriculum).fields
        fields["mayObserve"] = [.coach, .supervisor, .coordinator].contains(visitor.account.role)
        fields["maySignOff"] = visitor.account.role == .supervisor
        fields["isCoordinator"] = visitor.account.role == .coordinator
        fields["competencyChoices"] = curriculum.framework.competencies.map { ["id": $0.id, "title": $0.title] }
        fields["levelChoices"] = curriculum.framework.scale.map { ["id": $0.id, "name": $0.name] }
        fields["today"] = today().description
        for (key, value) in extra { fields[key] = value }
        return pages.page(template, title: title, visitor: visitor, status: status, fields)
    }
}
