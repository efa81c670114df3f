import TrellisModel
import Foundation

/// `trellis report --html DIR`: a private, self-contained dashboard for coordinators — a
/// trainee × competency matrix coloured by level, completion bars per cohort, and the list
/// of who is overdue or lapsing. It is written only where the coordinator says, readable by
/// them only, and never into the public site.
public enum Dashboard {
    public static func write(report: ProgramReport, snapshot: ProgramSnapshot, to directory: String, siteOutput: String?) throws {
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        if let siteOutput {
            let site = URL(fileURLWithPath: siteOutput).standardizedFileURL.path
            if target == site || target.hasPrefix(site + "/") {
                throw TrackerError("\(directory) is inside the public site folder \(siteOutput)",
                                   remedy: "write the dashboard somewhere private, e.g. --html ~/trellis-dashboard")
            }
        }
        try PrivateFile.write(Data(html(report: report, snapshot: snapshot).utf8), to: target + "/index.html")
    }

    static func html(report: ProgramReport, snapshot: ProgramSnapshot) -> String {
        let e = HTMLText.escape
        let framework = snapshot.engine.framework
        let levelNames = framework.scale.map(\.name)
        var legend = "<li><span class=\"cell l-none\">·</span> no level</li>"
        for (rank, name) in levelNames.enumerated() { legend += "<li><span class=\"cell l\(rank)\">\(rank + 1)</span> \(e(name))</li>" }

        /// "6 of 40", or the hours alone when the trainee's completion set needs none.
        func hours(_ line: ProgramReport.TraineeLine?) -> String {
            guard let line else { return "" }
            let done = HoursText.format(line.fieldHours)
            return line.fieldHoursRequired > 0 ? "\(done) of \(HoursText.format(line.fieldHoursRequired))" : done
        }
        var header = "<tr><th scope=\"col\">Trainee</th><th scope=\"col\">Done</th><th scope=\"col\">Field hours</th>"
        for id in snapshot.engine.competencyIDs {
            header += "<th scope=\"col\" class=\"rot\"><span title=\"\(e(framework.competency(id)?.title ?? id))\">\(e(id))</span></th>"
        }
        header += "</tr>"
        var body = ""
        let lines = Dictionary(report.trainees.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for row in snapshot.rows {
            var cells = ""
            for (index, progress) in row.progress.enumerated() {
                let competencyID = snapshot.engine.competencyIDs[index]
                let rank = progress.levelRank
                let label = rank >= 0 ? levelNames[rank] : "no level"
                let lapse = progress.lapsed ? " lapsed" : ""
                cells += "<td class=\"cell \(rank >= 0 ? "l\(rank)" : "l-none")\(lapse)\" title=\"\(e(competencyID)): \(e(label))\(progress.lapsed ? " (lapsed)" : "")\">\(rank >= 0 ? String(rank + 1) : "·")</td>"
            }
            body += "<tr><th scope=\"row\">\(e(row.trainee.name)) <small>\(e(row.trainee.id))</small></th><td>\(lines[row.trainee.id]?.percentComplete ?? 0)%</td><td>\(hours(lines[row.trainee.id]))</td>\(cells)</tr>\n"
        }
        var cohorts = ""
        for cohort in report.cohorts {
            cohorts += """
            <li><span class="bar-label">\(e(cohort.cohort)) <small>\(cohort.trainees) trainee(s), \(cohort.completed) complete</small></span>\
            <span class="bar" role="img" aria-label="\(cohort.percentComplete)% complete"><span style="width: \(cohort.percentComplete)%"></span></span> \(cohort.percentComplete)%</li>\n
            """
        }
        var alerts = ""
        for alert in report.alerts {
            alerts += "<tr><td>\(alert.date)</td><td>\(e(alert.traineeID))</td><td>\(alert.kind.rawValue)</td><td>\(e(alert.subject))</td><td>\(e(alert.detail))</td></tr>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>Training dashboard · \(report.generatedOn)</title>
        <style>
        body { font: 15px/1.5 system-ui, "Liberation Sans", sans-serif; margin: 1.5rem; color: #1f2328; }
        h1 { margin: 0 0 0.3rem; } .note { color: #4b5563; }
        .wrap { overflow: auto; max-height: 70vh; border: 1px solid #c9ced6; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #dde1e6; padding: 2px 5px; text-align: left; }
        thead th { position: sticky; top: 0; background: #f4f6f8; }
        th.rot { height: 9rem; vertical-align: bottom; } th.rot span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
        .cell { text-align: center; min-width: 1.4rem; display: inline-block; }
        td.cell { display: table-cell; }
        .l-none { background: #ffffff; color: #6b7280; } .l0 { background: #fde68a; } .l1 { background: #93c5fd; } .l2 { background: #4ade80; } .l3 { background: #166534; color: #fff; }
        .lapsed { outline: 2px dashed #b91c1c; outline-offset: -3px; }
        .legend { list-style: none; padding: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
        .bars { list-style: none; padding: 0; } .bars li { margin: 0.3rem 0; display: flex; align-items: center; gap: 0.6rem; }
        .bar-label { min-width: 16rem; } .bar { display: inline-block; width: 20rem; height: 0.9rem; background: #e5e7eb; }
        .bar span { display: block; height: 100%; background: #1d5e4a; }
        </style>
        </head>
        <body>
        <h1>Training dashboard</h1>
        <p class="note">Generated \(report.generatedOn). Private: contains personal information about trainees. Completion means every module and competency the trainee's completion set requires, each competency at its level.</p>
        <h2>Completion by cohort</h2>
        <ul class="bars">
        \(cohorts)</ul>
        <h2>Overdue or lapsing within \(report.withinDays) days</h2>
        \(alerts.isEmpty ? "<p>Nothing is overdue or lapsing.</p>" : "<table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Trainee</th><th scope=\"col\">What</th><th scope=\"col\">About</th><th scope=\"col\">Detail</th></tr></thead><tbody>\n\(alerts)</tbody></table>")
        <h2>Trainees × competencies</h2>
        <ul class="legend">\(legend)<li><span class="cell lapsed">n</span> lapsed</li></ul>
        <div class="wrap"><table>
        <thead>\(header)</thead>
        <tbody>
        \(body)</tbody>
        </table></div>
        </body>
        </html>

        """
    }
}
