import TrellisModel
/// `trellis report`: completion per trainee and per competency, who is overdue or lapsing,
/// and continuing-education hours — computed from a `ProgramSnapshot`.
public struct ProgramReport: Sendable, Codable {
    public struct TraineeLine: Sendable, Codable {
        public var id: String
        public var name: String
        public var cohort: String?
        public var site: String?
        public var status: String
        /// The completion set the trainee is held to (`Trainee.program`, else the first).
        public var program: String
        /// Of the modules their completion set requires.
        public var modulesCompleted: Int
        public var modulesTotal: Int
        /// Competencies their completion set requires that are at (or above) the level it
        /// requires, not lapsed, of how many it requires.
        public var competenciesAtTarget: Int
        public var competenciesTotal: Int
        public var percentComplete: Int
        /// Hours of supervised field work, and how many their completion set requires (0 = none).
        public var fieldHours: Double
        public var fieldHoursRequired: Double
        public var lastCoaching: CalendarDate?
        /// Continuing-education hours counted in the current credential period.
        public var credentialHours: Double?
        public var credentialDeadline: CalendarDate?
        /// When the program was completed (the frozen completion record), whatever has lapsed since.
        public var completedOn: CalendarDate?
    }

    public struct CompetencyLine: Sendable, Codable {
        public var id: String
        public var title: String
        /// Trainees at each level of the scale (scale order), then with no level.
        public var levels: [String: Int]
        public var none: Int
        /// Of the trainees whose completion set requires it, those at the level it requires.
        public var percentAtTarget: Int
    }

    public struct CohortLine: Sendable, Codable {
        public var cohort: String
        public var trainees: Int
        public var percentComplete: Int
        public var completed: Int
    }

    /// Something a coordinator must act on, by date.
    public struct Alert: Sendable, Codable {
        public enum Kind: String, Sendable, Codable { case lapsed, lapsing, credentialShort = "credential-short", unknownProgram = "unknown-program" }
        public var traineeID: String
        public var kind: Kind
        public var subject: String
        public var date: CalendarDate
        public var detail: String
    }

    public struct HoursLine: Sendable, Codable {
        public var year: Int
        public var hours: Double
        public var trainees: Int
    }

    public var generatedOn: CalendarDate
    /// `progression.completion_level`: the level a completion set requires when it names none.
    public var completionLevel: String
    public var withinDays: Int
    public var scale: [String]
    public var trainees: [TraineeLine]
    public var competencies: [CompetencyLine]
    public var cohorts: [CohortLine]
    public var alerts: [Alert]
    public var educationHoursByYear: [HoursLine]

    public init(snapshot: ProgramSnapshot, credentials: [CredentialRule], withinDays: Int) {
        let engine = snapshot.engine
        let framework = engine.framework
        let today = snapshot.today
        let targetLevel = framework.progression?.completionLevel ?? framework.scale.last?.id ?? ""
        let targets = engine.completionTargets, firstSet = framework.completionSets.first?.id ?? ""
        let horizon = today.adding(days: withinDays)
        let horizonDay = horizon.dayNumber
        generatedOn = today
        completionLevel = targetLevel
        self.withinDays = withinDays
        let scaleIDs = framework.scale.map(\.id)
        scale = scaleIDs

        var traineeLines: [TraineeLine] = []
        var alerts: [Alert] = []
        var levelCounts = Array(repeating: Array(repeating: 0, count: framework.scale.count), count: engine.competencyIDs.count)
        var noneCounts = Array(repeating: 0, count: engine.competencyIDs.count)
        var requiredCounts = Array(repeating: 0, count: engine.competencyIDs.count)
        var metCounts = Array(repeating: 0, count: engine.competencyIDs.count)
        var hoursByYear: [Int: (hours: Double, trainees: Set<String>)] = [:]
        for row in snapshot.rows {
            let program = row.trainee.program ?? firstSet
            let target = targets[program]
            if target == nil {
                alerts.append(Alert(traineeID: row.trainee.id, kind: .unknownProgram, subject: program, date: today,
                                    detail: "program \(program) is not a completion set in competencies.yml"))
            }
            var atTarget = 0
            for (index, progress) in row.progress.enumerated() {
                let rank = progress.levelRank
                if rank >= 0 { levelCounts[index][rank] += 1 } else { noneCounts[index] += 1 }
                if let required = target?.requiredRank[index] {
                    requiredCounts[index] += 1
                    if rank >= required { atTarget += 1; metCounts[index] += 1 }
                }
                if let lapseDay = progress.lapseDayNumber, progress.earnedRank >= 0 {
                    if progress.lapsed {
                        alerts.append(Alert(traineeID: row.trainee.id, kind: .lapsed, subject: engine.competencyIDs[index],
                                            date: CalendarDate(dayNumber: lapseDay), detail: scaleIDs[progress.earnedRank] + " lapsed"))
                    } else if lapseDay <= horizonDay {
                        alerts.append(Alert(traineeID: row.trainee.id, kind: .lapsing, subject: engine.competencyIDs[index],
                                            date: CalendarDate(dayNumber: lapseDay), detail: scaleIDs[progress.earnedRank] + " lapses"))
                    }
                }
            }
            for record in row.continuingEducation {
                hoursByYear[record.date.year, default: (0, [])].hours += record.hours ?? 0
                hoursByYear[record.date.year, default: (0, [])].trainees.insert(row.trainee.id)
            }
            var credentialHours: Double?
            var deadline: CalendarDate?
            if let credentialID = row.trainee.credential, let rule = credentials.first(where: { $0.id == credentialID }) {
                let ledger = CredentialLedger(rule: rule, trainee: row.trainee, education: row.continuingEducation, on: today)
                credentialHours = ledger.countedHours
                deadline = ledger.deadline
                if row.trainee.status == .active, ledger.isShort, ledger.deadline <= horizon {
                    alerts.append(Alert(traineeID: row.trainee.id, kind: .credentialShort, subject: rule.id, date: ledger.deadline,
                                        detail: CredentialLedgerText.shortfall(ledger)))
                }
            }
            let requiredModules = target?.requiredModules ?? []
            let modulesDone = requiredModules.filter { row.completedModules.contains($0) }.count
            let competenciesRequired = target?.competencyCount ?? 0
            let hoursRequired = target?.set.fieldHoursMin ?? 0
            // The field-hours minimum, when there is one, is one more unit of completion.
            let hoursUnit = hoursRequired > 0 ? 1 : 0, hoursMet = hoursRequired > 0 && row.fieldHours >= hoursRequired ? 1 : 0
            let units = requiredModules.count + competenciesRequired + hoursUnit
            let percent = units == 0 ? 0 : (100 * (modulesDone + atTarget + hoursMet)) / units
            traineeLines.append(TraineeLine(
                id: row.trainee.id, name: row.trainee.name, cohort: row.trainee.cohort, site: row.trainee.site,
                status: row.trainee.status.rawValue, program: program, modulesCompleted: modulesDone, modulesTotal: requiredModules.count,
                competenciesAtTarget: atTarget, competenciesTotal: competenciesRequired, percentComplete: percent,
                fieldHours: row.fieldHours, fieldHoursRequired: hoursRequired,
                lastCoaching: row.lastCoaching, credentialHours: credentialHours, credentialDeadline: deadline,
                completedOn: row.completedOn))
        }
        trainees = traineeLines
        competencies = engine.competencyIDs.enumerated().map { index, id in
            CompetencyLine(
                id: id, title: framework.competency(id)?.title ?? id,
                levels: Dictionary(uniqueKeysWithValues: framework.scale.enumerated().map { ($1.id, levelCounts[index][$0]) }),
                none: noneCounts[index], percentAtTarget: requiredCounts[index] == 0 ? 0 : 100 * metCounts[index] / requiredCounts[index])
        }
        var cohortGroups: [String: [TraineeLine]] = [:]
        for line in traineeLines { cohortGroups[line.cohort ?? "(no cohort)", default: []].append(line) }
        cohorts = cohortGroups.keys.sorted().map { cohort in
            let lines = cohortGroups[cohort]!
            return CohortLine(cohort: cohort, trainees: lines.count,
                              percentComplete: lines.map(\.percentComplete).reduce(0, +) / max(1, lines.count),
                              completed: lines.filter { $0.percentComplete == 100 }.count)
        }
        self.alerts = alerts.sorted { ($0.date, $0.traineeID, $0.subject) < ($1.date, $1.traineeID, $1.subject) }
        educationHoursByYear = hoursByYear.keys.sorted().map { HoursLine(year: $0, hours: hoursByYear[$0]!.hours, trainees: hoursByYear[$0]!.trainees.count) }
    }
}

/// Hours as people write them: `3`, `1.5`, `1.25` (at most two decimals, trailing zeros dropped).
extension ProgramReport {
    /// One row per trainee, as `trellis report` prints it and the web tracker downloads it.
    public var traineeTable: TextTable {
        TextTable(header: ["trainee", "name", "cohort", "site", "status", "program", "modules", "competencies", "field_hours", "complete",
                           "completed_on", "last_coaching", "ce_hours", "credential_deadline"],
                  rows: trainees.map {
            [$0.id, $0.name, $0.cohort ?? "", $0.site ?? "", $0.status, $0.program, "\($0.modulesCompleted)/\($0.modulesTotal)",
             "\($0.competenciesAtTarget)/\($0.competenciesTotal)",
             $0.fieldHoursRequired > 0 ? "\(HoursText.format($0.fieldHours))/\(HoursText.format($0.fieldHoursRequired))" : HoursText.format($0.fieldHours),
             "\($0.percentComplete)%", $0.completedOn?.description ?? "",
             $0.lastCoaching?.description ?? "",
             $0.credentialHours.map(HoursText.format) ?? "", $0.credentialDeadline?.description ?? ""]
        })
    }
}

public enum HoursText {
    public static func format(_ value: Double) -> String {
        if value == value.rounded() { return String(Int(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

enum CredentialLedgerText {
    static func shortfall(_ ledger: CredentialLedger) -> String {
        var parts: [String] = []
        if ledger.shortHours > 0 {
            parts.append("\(HoursText.format(ledger.shortHours)) of \(HoursText.format(ledger.requiredHours)) hours still needed")
        }
        for category in ledger.categories where category.short > 0 {
            parts.append("\(HoursText.format(category.short)) \(category.category) hours still needed")
        }
        return parts.joined(separator: "; ")
    }
}
