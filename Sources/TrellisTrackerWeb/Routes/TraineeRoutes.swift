import Hummingbird
import TrellisModel
import TrellisTracker

/// The trainees a coordinator, supervisor or coach may reach, each one's transcript, and a
/// trainee's own progress page.
extension TrackerWebApp {
    /// The most trainees the list shows with their progress (each is one transcript).
    static let dashboardLimit = 100

    func addTraineeRoutes(_ router: Router<WebRequestContext>) {
        // The cohort dashboard: each trainee's progress at a glance, for a list of up to
        // `dashboardLimit` trainees (a coach's or supervisor's, or one cohort); a longer list
        // shows names only, with the cohorts to choose from.
        router.get("/trainees") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.coordinator, .supervisor, .coach)
            let reachable = try await reachableTrainees(visitor)
            let cohort = request.uri.queryParameters["cohort"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let trainees = cohort.map { cohort in reachable.filter { $0.cohort == cohort } } ?? reachable
            try await audit(context, "view-trainee-list", subject: "trainees:\(trainees.count)")
            let withProgress = trainees.count <= Self.dashboardLimit
            let tracker = Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
            var rows: [[String: Any]] = []
            let transcripts = withProgress ? try await tracker.transcripts(of: trainees) : []
            for (index, trainee) in trainees.enumerated() {
                var row: [String: Any] = ["id": trainee.id, "name": trainee.name, "cohort": trainee.cohort ?? "", "site": trainee.site ?? "",
                                          "status": trainee.status.rawValue]
                if withProgress {
                    let transcript = transcripts[index]
                    let required = transcript.target?.requiredRank ?? []
                    let atTarget = transcript.entries.indices.filter { index in
                        index < required.count && required[index].map { transcript.entries[index].progress.levelRank >= $0 } == true
                    }.count
                    row["modules"] = "\(transcript.modulesCompleted.filter(transcript.modulesRequired.contains).count)/\(transcript.modulesRequired.count)"
                    row["competencies"] = "\(atTarget)/\(required.compactMap { $0 }.count)"
                    row["fieldHours"] = transcript.fieldHours.formatted()
                    row["complete"] = transcript.completionGaps.isEmpty
                    row["lastEvidence"] = transcript.records.map(\.date).max()?.description ?? "–"
                }
                rows.append(row)
            }
            let cohorts = Set(reachable.compactMap(\.cohort)).sorted().map { ["id": $0, "selected": $0 == cohort] as [String: Any] }
            return pages.page("trainees", title: visitor.account.role == .coordinator ? "Trainees" : "My trainees", visitor: visitor,
                              ["trainees": rows, "none": rows.isEmpty, "count": WebText.count(rows.count, "trainee"), "withProgress": withProgress,
                               "cohorts": cohorts, "hasCohorts": !cohorts.isEmpty, "limit": Self.dashboardLimit])
        }

        router.get("/trainees/:id") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.coordinator, .supervisor, .coach)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            let saved = request.uri.queryParameters["recorded"].flatMap { EvidenceKind(name: String($0)) }
            return try await transcriptPage(trainee, visitor, context, template: "trainee", title: trainee.name,
                                            extra: saved.map { ["notice": "Saved: the \($0.name.replacingOccurrences(of: "-", with: " ")) is on record below."] } ?? [:])
        }

        router.get("/trainees/:id/explain/:competency") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.coordinator, .supervisor, .coach)
            let trainee = try await reachableTrainee(try context.parameters.require("id"), visitor)
            return try await explanationPage(trainee, competency: try context.parameters.require("competency"), visitor, context, back: "/trainees/\(trainee.id)")
        }

        router.get("/me/explain/:competency") { _, context in
            let visitor = try context.signedIn()
            try visitor.require(.trainee)
            guard let id = visitor.account.traineeID else { throw notFound() }
            let trainee = try await reachableTrainee(id, visitor)
            return try await explanationPage(trainee, competency: try context.parameters.require("competency"), visitor, context, back: "/me")
        }

        router.get("/me") { request, context in
            let visitor = try context.signedIn()
            try visitor.require(.trainee)
            guard let id = visitor.account.traineeID else { throw notFound() }
            let trainee = try await reachableTrainee(id, visitor)
            let saved = request.uri.queryParameters["saved"] == "reflection"
            return try await transcriptPage(trainee, visitor, context, template: "me", title: "My progress",
                                            extra: saved ? ["notice": "Your reflection is saved."] : [:])
        }
    }

    /// One competency's explanation, for a trainee the visitor may reach.
    func explanationPage(_ trainee: Trainee, competency: String, _ visitor: Visitor, _ context: WebRequestContext, back: String) async throws -> Response {
        let tracker = Tracker(store: store, curriculum: curriculum, today: today(), actor: visitor.account.login)
        let view = TranscriptView(transcript: try await tracker.transcript(trainee.id), curriculum: curriculum)
        guard var fields = view.explanation(of: competency) else { throw notFound() }
        try await audit(context, "view-trainee", subject: "trainee:\(trainee.id)")
        fields["back"] = back
        fields["trainee"] = ["id": trainee.id, "name": trainee.name]
        return pages.page("explain", title: "How the level was worked out", visitor: visitor, fields)
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
        fields["explainBase"] = visitor.account.role == .trainee ? "/me/explain/" : "/trainees/\(trainee.id)/explain/"
        for (key, value) in extra { fields[key] = value }
        return pages.page(template, title: title, visitor: visitor, status: status, fields)
    }
}
