import TrellisModel
/// The terminal view of a transcript. `explain` adds, for every level, each rule with
/// whether it is met and the evidence that met it.
public enum TranscriptText {
    public static func render(_ transcript: Transcript, framework: CompetencyFramework, explain: Bool) -> String {
        let trainee = transcript.trainee
        var out = "\(trainee.name) (\(trainee.id))"
        let details = [trainee.cohort.map { "cohort \($0)" }, trainee.site.map { "site \($0)" },
                       trainee.supervisor.map { "supervisor \($0)" }, "started \(trainee.startDate)", trainee.status.rawValue]
        out += " · " + details.compactMap { $0 }.joined(separator: " · ") + "\n"
        if let target = transcript.target {
            out += "Completion: \(target.set.title)" + (target.set.id == CompletionSet.implicitID ? "" : " (\(target.set.id))") + "\n"
        } else if let problem = transcript.problem {
            out += "Completion: \(problem.message) — \(problem.remedy ?? "")\n"
        }
        let required = transcript.modulesRequired.count
        out += "Required modules completed: \(required - transcript.modulesRemaining.count) of \(required)"
        if !transcript.modulesRemaining.isEmpty, transcript.modulesRemaining.count <= 6 {
            out += " (remaining: \(transcript.modulesRemaining.joined(separator: ", ")))"
        }
        if let target = transcript.target, target.set.fieldHoursMin > 0 || transcript.fieldHours > 0 {
            out += "\nField hours: \(HoursText.format(transcript.fieldHours))"
            if target.set.fieldHoursMin > 0 { out += " of \(HoursText.format(target.set.fieldHoursMin)) required" }
        }
        if transcript.target != nil {
            out += transcript.completionGaps.isEmpty ? "\nCompletion: every requirement met"
                : "\nStill needed for completion: " + transcript.completionGaps.joined(separator: "; ")
        }
        out += "\nAs of \(transcript.today)\n\n"
        func name(_ level: String?) -> String {
            guard let level else { return "—" }
            return framework.scale.first { $0.id == level }?.name ?? level
        }
        if !explain {
            var rows: [[String]] = []
            var domain = ""
            for entry in transcript.entries {
                if entry.domainTitle != domain {
                    domain = entry.domainTitle
                    rows.append([domain.uppercased(), "", "", "", ""])
                }
                let progress = entry.progress
                let level = progress.lapsed ? "\(name(progress.level)) (\(name(progress.earnedLevel)) lapsed)" : name(progress.level)
                let next = progress.nextLevel.map { "\(name($0)): " + progress.missing.joined(separator: "; ") } ?? (progress.missing.first ?? "")
                rows.append(["  " + entry.competency.id, level, progress.earnedOn?.description ?? "", progress.lapsesOn?.description ?? "", next])
            }
            out += TextTable(header: ["Competency", "Level", "Since", "Lapses on", "Missing for next level"], rows: rows).render()
            return out
        }
        for entry in transcript.entries {
            let progress = entry.progress
            out += "\(entry.competency.id) — \(entry.competency.title): \(name(progress.level))"
            if let since = progress.earnedOn { out += " since \(since)" }
            if progress.lapsed, let date = progress.lapsesOn { out += " (\(name(progress.earnedLevel)) lapsed on \(date))" }
            else if let date = progress.lapsesOn { out += ", lapses on \(date)" }
            out += "\n"
            if let reference = progress.renewedBy {
                let record = transcript.record(reference)
                let what = record.kind == .continuingEducation
                    ? "continuing education “\(record.topic ?? "")”" + (record.category.map { " (category \($0))" } ?? "")
                    : record.kind.name
                out += "  kept current by \(record.id) \(what) on \(record.date)\n"
            }
            for check in progress.checks {
                out += "  \(check.met ? "✓" : "✗") \(name(check.level))\n"
                for requirement in check.requirements {
                    out += "      \(requirement.met ? "met" : "missing"): \(requirement.rule)"
                    if let day = requirement.metOn { out += " (on \(day))" }
                    out += "\n"
                    for reference in requirement.evidence {
                        let record = transcript.record(reference)
                        out += "        evidence \(record.id) \(record.kind.name) \(record.subject?.description ?? "") \(record.date)"
                        if let level = record.level { out += " level \(level)" }
                        if let score = record.score { out += " score \(HoursText.format(score))" }
                        if let observer = record.observer { out += " by \(observer)" }
                        out += "\n"
                    }
                }
            }
            if progress.lapsed { out += "  restore: \(progress.missing.first ?? "")\n" }
            out += "\n"
        }
        let voided = transcript.records.filter { $0.voidedBy != nil }
        if !voided.isEmpty {
            out += "Voided records (not counted):\n"
            for record in voided {
                let reason = transcript.records.first { $0.id == record.voidedBy }?.reason ?? ""
                out += "  \(record.id) \(record.kind.name) \(record.subject?.description ?? "") \(record.date) — voided by \(record.voidedBy!): \(reason)\n"
            }
        }
        return out
    }
}
