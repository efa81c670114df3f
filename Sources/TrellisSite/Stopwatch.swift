import Foundation
import TrellisModel

/// Times the steps of a build, for `SiteCompiler.Report.timings`.
struct Stopwatch {
    private var last = Date()
    private(set) var laps: [(step: String, seconds: Double)] = []

    mutating func lap(_ step: String) {
        let now = Date()
        laps.append((step, now.timeIntervalSince(last)))
        last = now
    }
}
