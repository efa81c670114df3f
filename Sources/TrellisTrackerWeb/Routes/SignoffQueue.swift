import TrellisModel
import TrellisTracker

/// A supervisor's sign-off queue: for each supervisee, the competencies whose next level waits
/// on nothing but a supervisor's sign-off (the modules, knowledge checks and observations the
/// rules ask for are all there), with the observations that got it there.
struct SignoffQueue {
    struct Item {
        var traineeID: String
        var fields: [String: Any]
    }

    let app: TrackerWebApp
    let visitor: Visitor

    func items() async throws -> [Item] {
        let trainees = try await app.reachableTrainees(visitor)
        let tracker = Tracker(store: app.store, curriculum: app.curriculum, today: app.today(), actor: visitor.account.login)
        var items: [Item] = []
        for transcript in try await tracker.transcripts(of: trainees) {
            let trainee = transcript.trainee
            let view = TranscriptView(transcript: transcript, curriculum: app.curriculum)
            for entry in transcript.entries {
                let progress = entry.progress
                guard let next = progress.nextLevel, let check = progress.checks.first(where: { $0.level == next }) else { continue }
                let unmet = check.requirements.filter { !$0.met }
                guard unmet.count == 1, unmet[0].isSupervisorSignoff else { continue }
                let evidence = check.requirements.filter(\.met).flatMap(\.evidence).map(transcript.record).filter { $0.kind == .observedPractice }
                items.append(Item(traineeID: trainee.id, fields: [
                    "traineeID": trainee.id, "traineeName": trainee.name,
                    "competencyID": entry.competency.id, "competency": entry.competency.title,
                    "level": view.levelName(next),
                    "observations": evidence.map { ["date": $0.date.description, "level": view.levelName($0.level), "observer": $0.observer ?? "", "note": shown($0.note)] },
                ]))
            }
        }
        return items
    }
}
