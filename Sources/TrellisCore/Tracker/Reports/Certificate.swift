/// `trellis certificate`: a printable completion record for a trainee who completed the
/// program — every module completed and every competency at the completion level, not lapsed.
public struct Certificate: Sendable {
    public var transcript: Transcript
    public var curriculumTitle: String
    public var organization: String?
    public var completionLevel: String

    /// Builds the certificate, or throws with the reasons the trainee has not completed.
    public init(transcript: Transcript, curriculum: Curriculum) throws {
        let framework = curriculum.framework
        guard let level = framework.progression?.completionLevel ?? framework.scale.last?.id,
              let target = framework.levelIndex(level) else {
            throw TrackerError("the framework defines no completion level", remedy: "set `progression.completion_level` in competencies.yml")
        }
        var reasons: [String] = []
        if !transcript.modulesRemaining.isEmpty {
            reasons.append("modules not completed: \(transcript.modulesRemaining.joined(separator: ", "))")
        }
        let below = transcript.entries.filter { $0.progress.levelRank < target }
        if !below.isEmpty {
            let name = framework.scale[target].name
            reasons.append("\(below.count) competenc\(below.count == 1 ? "y is" : "ies are") below \(name): " +
                           below.prefix(8).map { $0.competency.id + ($0.progress.lapsed ? " (lapsed)" : "") }.joined(separator: ", ") +
                           (below.count > 8 ? ", …" : ""))
        }
        guard reasons.isEmpty else {
            throw TrackerError("\(transcript.trainee.name) (\(transcript.trainee.id)) has not completed the program: " + reasons.joined(separator: "; "),
                               remedy: "see `trellis progress \(transcript.trainee.id)` for what is missing")
        }
        self.transcript = transcript
        self.curriculumTitle = curriculum.manifest.title
        self.organization = curriculum.manifest.organization
        self.completionLevel = framework.scale[target].name
        self.framework = framework
    }

    private let framework: CompetencyFramework

    /// Signatories: the supervisors who signed off competencies, and the trainee's supervisor.
    public var signatories: [String] {
        var names = transcript.records.filter { $0.kind == .supervisorSignoff && $0.voidedBy == nil }.compactMap(\.observer)
        if let supervisor = transcript.trainee.supervisor { names.append(supervisor) }
        return names.uniqued().sorted()
    }

    /// The date the program was completed: when the last requirement was met.
    public var completedOn: CalendarDate {
        let moduleDates = transcript.records.filter { $0.kind == .moduleCompleted && $0.voidedBy == nil }.map(\.date)
        return (moduleDates + transcript.entries.compactMap(\.progress.earnedOn)).max() ?? transcript.today
    }

    public func html() -> String {
        let e = HTMLText.escape
        let trainee = transcript.trainee
        var rows = ""
        for entry in transcript.entries {
            let level = framework.scale.first { $0.id == entry.progress.level }?.name ?? ""
            rows += "<tr><th scope=\"row\">\(e(entry.competency.title))</th><td>\(e(entry.domainTitle))</td><td>\(e(level))</td><td>\(entry.progress.earnedOn?.description ?? "")</td></tr>\n"
        }
        let signatures = signatories.map { "<div class=\"signature\"><span class=\"line\"></span><span>\(e($0))</span></div>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Completion record · \(e(trainee.name))</title>
        <style>
        body { font: 11pt/1.5 system-ui, "Liberation Sans", sans-serif; color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
        h1 { font-size: 1.8rem; margin-bottom: 0.2rem; } .lead { font-size: 1.1rem; }
        table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 0.95rem; }
        th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #eee; }
        .signatures { display: flex; flex-wrap: wrap; gap: 2rem; margin-top: 2.5rem; }
        .signature { display: flex; flex-direction: column; min-width: 14rem; } .signature .line { border-bottom: 1px solid #111; height: 2.5rem; }
        .private { color: #555; font-size: 0.85rem; margin-top: 2rem; }
        @media print { body { margin: 0; } tr { break-inside: avoid; } }
        </style>
        </head>
        <body>
        <main>
        <h1>Record of completion</h1>
        <p class="lead">\(e(trainee.name)) completed <strong>\(e(curriculumTitle))</strong>\(organization.map { " with \(e($0))" } ?? "") on \(completedOn), \
        reaching \(e(completionLevel)) or higher in every competency.</p>
        <p>Modules completed: \(transcript.modulesCompleted.count). Training started \(trainee.startDate)\(trainee.cohort.map { ", cohort \(e($0))" } ?? "")\(trainee.site.map { ", \(e($0))" } ?? "").</p>
        <table>
        <caption>Competencies and the level reached</caption>
        <thead><tr><th scope="col">Competency</th><th scope="col">Domain</th><th scope="col">Level</th><th scope="col">Since</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        <section aria-label="Signatures"><div class="signatures">\(signatures)</div></section>
        <p class="private">Issued \(transcript.today) from the program's training records. This document contains personal information: store and share it as your program's privacy policy requires.</p>
        </main>
        </body>
        </html>

        """
    }
}
