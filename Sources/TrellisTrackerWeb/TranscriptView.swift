import TrellisModel
import TrellisTracker

/// A transcript as a page shows it, in plain words: each competency's level, what is missing
/// for the next one and when it lapses; the modules; field hours; the evidence on record.
struct TranscriptView {
    let transcript: Transcript
    let curriculum: Curriculum

    func levelName(_ id: String?) -> String {
        guard let id else { return "Not started" }
        return curriculum.framework.scale.first { $0.id == id }?.name ?? id
    }

    var fields: [String: Any] {
        let trainee = transcript.trainee
        let competencies: [[String: Any]] = transcript.entries.map { entry in
            let progress = entry.progress
            return [
                "id": entry.competency.id,
                "title": entry.competency.title,
                "domain": entry.domainTitle,
                "level": levelName(progress.level),
                "lapsed": progress.lapsed,
                "lapsesOn": shown(progress.lapsesOn?.description),
                "nextLevel": shown(progress.nextLevel.map(levelName)),
                "missing": progress.missing,
                "hasMissing": !progress.missing.isEmpty,
            ]
        }
        let moduleTitles = Dictionary(curriculum.modules.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first })
        let evidence: [[String: Any]] = transcript.records.reversed().map { record in
            var entered = record.recordedBy
            if let observer = record.observer, observer != record.recordedBy, [.observedPractice, .supervisorSignoff, .coachingSession].contains(record.kind) {
                entered = "entered by \(record.recordedBy) for \(observer)"
            }
            return [
                "id": record.id, "date": record.date.description, "kind": record.kind.name,
                "about": record.subject.map { $0.kind == .module ? (moduleTitles[$0.id] ?? $0.id) : $0.id } ?? record.competencies.joined(separator: ", "),
                "level": record.level.map(levelName) ?? record.score.map { "score \(Int($0))" } ?? record.minutes.map { "\($0) min" } ?? "",
                "observer": record.observer ?? "", "recordedBy": entered, "voided": record.voidedBy != nil, "note": record.note ?? "",
                "voidable": record.voidedBy == nil && record.kind != .void, "traineeID": record.traineeID,
            ]
        }
        return [
            "trainee": ["id": trainee.id, "name": trainee.name, "cohort": shown(trainee.cohort), "site": shown(trainee.site),
                        "supervisor": trainee.supervisor ?? "", "startDate": trainee.startDate.description, "status": trainee.status.rawValue],
            "competencies": competencies,
            "modulesCompletedText": Self.list(transcript.modulesCompleted.map { moduleTitles[$0] ?? $0 }, empty: "none yet"),
            "modulesRemainingText": Self.list(transcript.modulesRemaining.map { moduleTitles[$0] ?? $0 }, empty: "none"),
            "fieldHours": transcript.fieldHours.formatted(),
            "gaps": transcript.completionGaps,
            "complete": transcript.completionGaps.isEmpty,
            "evidence": evidence,
            "hasEvidence": !evidence.isEmpty,
        ]
    }
}

extension TranscriptView {
    /// One competency's explanation (`trellis progress --explain`): every level checked, each
    /// requirement met or not and when, and the records that met them. A page of its own, so
    /// that the transcript does not render forty explanations nobody opened.
    func explanation(of competencyID: String) -> [String: Any]? {
        guard let entry = transcript.entries.first(where: { $0.competency.id == competencyID }) else { return nil }
        let progress = entry.progress
        let references = Set(progress.checks.flatMap(\.requirements).flatMap(\.evidence))
        return [
            "title": entry.competency.title, "domain": entry.domainTitle, "level": levelName(progress.level),
            "lapsesOn": shown(progress.lapsesOn?.description), "lapsed": progress.lapsed,
            "checks": progress.checks.map { check in
                ["level": levelName(check.level), "met": check.met,
                 "requirements": check.requirements.map { ["rule": $0.rule, "met": $0.met, "metOn": shown($0.metOn?.description)] }] as [String: Any]
            },
            "records": references.sorted().map(transcript.record).map { record in
                ["date": record.date.description, "kind": record.kind.name, "level": shown(record.level.map(levelName)),
                 "observer": shown(record.observer), "recordedBy": record.recordedBy] as [String: Any]
            },
            "hasRecords": !references.isEmpty,
        ]
    }

    /// "A, B and C", or `empty`.
    static func list(_ items: [String], empty: String) -> String {
        guard let last = items.last else { return empty }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }
}

extension Double {
    /// 12, or 12.5: hours as people write them.
    func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(format: "%.2f", self).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
