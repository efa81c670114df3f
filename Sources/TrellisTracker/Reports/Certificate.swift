import TrellisModel
/// `trellis certificate`: a printable completion record — the frozen `CompletionRecord`,
/// which stays as it was on the day of completion, and, apart from it, what is current today.
public struct Certificate: Sendable {
    public var record: CompletionRecord
    /// Today's status in words: "still complete", or what has lapsed since.
    public var current: String
    public var issuedOn: CalendarDate

    public init(record: CompletionRecord, current: String, issuedOn: CalendarDate) {
        self.record = record
        self.current = current
        self.issuedOn = issuedOn
    }

    public var signatories: [String] { record.signatories }
    public var completedOn: CalendarDate { record.completedOn }

    public func html() -> String {
        let e = HTMLText.escape
        var rows = ""
        for competency in record.competencies {
            rows += "<tr><th scope=\"row\">\(e(competency.title))</th><td>\(e(competency.domain))</td><td>\(e(competency.level))</td><td>\(competency.earnedOn?.description ?? "")</td></tr>\n"
        }
        // Records frozen before completion sets required every competency at one level.
        let level = record.completionLevel.hasPrefix("the level") ? record.completionLevel : record.completionLevel + " or higher"
        let reached = record.programTitle.map { "as \(e($0)): every competency it requires at \(e(level))." }
            ?? "reaching \(e(record.completionLevel)) or higher in every competency."
        let signatures = signatories.map { "<div class=\"signature\"><span class=\"line\"></span><span>\(e($0))</span></div>" }.joined()
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Completion record · \(e(record.traineeName))</title>
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
        <p class="lead">\(e(record.traineeName)) completed <strong>\(e(record.curriculumTitle))</strong>\(record.organization.map { " with \(e($0))" } ?? "") on \(record.completedOn), \
        \(reached)</p>
        <p>Modules completed: \(record.modulesCompleted.count). Competency framework version \(e(record.frameworkVersion ?? "not given")). \
        This record was frozen on \(e(String(record.frozenAt.prefix(10)))) and shows the program as it stood on \(record.completedOn).</p>
        <table>
        <caption>Competencies and the level reached</caption>
        <thead><tr><th scope="col">Competency</th><th scope="col">Domain</th><th scope="col">Level</th><th scope="col">Since</th></tr></thead>
        <tbody>
        \(rows)</tbody>
        </table>
        <section aria-label="Signatures"><div class="signatures">\(signatures)</div></section>
        <p class="current"><strong>Current status (\(issuedOn)):</strong> \(e(current))</p>
        <p class="private">Issued \(issuedOn) from the program's training records. This document contains personal information: store and share it as your program's privacy policy requires.</p>
        </main>
        </body>
        </html>

        """
    }
}
