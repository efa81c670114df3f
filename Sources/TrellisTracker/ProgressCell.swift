import TrellisModel
/// The report's view of one trainee's progress on one competency: the level that counts, the
/// level earned and when it lapses, as `ProgressEngine.derive` found them (the one engine that
/// transcripts use too), kept small because a report holds 400,000 of them.
public struct ProgressCell: Sendable, Hashable {
    var level: Int8
    var earned: Int8
    public var lapsed: Bool
    var lapseDay: Int32

    /// Index of the level that counts now on the scale (-1 = none).
    public var levelRank: Int { Int(level) }
    /// Index of the level earned by evidence, before any lapse (-1 = none).
    public var earnedRank: Int { Int(earned) }
    /// When the earned level lapses (or lapsed).
    public var lapsesOn: CalendarDate? { lapseDay == .min ? nil : CalendarDate(dayNumber: Int(lapseDay)) }
    public var lapseDayNumber: Int? { lapseDay == .min ? nil : Int(lapseDay) }

    init(_ progress: ProgressEngine.CompetencyProgress) {
        level = Int8(truncatingIfNeeded: progress.levelRank)
        // A lapse takes exactly one level off what was earned (`ProgressEngine`).
        earned = Int8(truncatingIfNeeded: progress.lapsed ? progress.levelRank + 1 : progress.levelRank)
        lapsed = progress.lapsed
        lapseDay = progress.lapsesOn.map { Int32(clamping: $0.dayNumber) } ?? .min
    }
}
