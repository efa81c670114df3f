import Testing
import TrellisModel
import TrellisTestSupport
@testable import TrellisTracker

/// Several transcripts from one read are the transcripts one at a time.
@Suite struct TranscriptBatchTests {
    @Test func aBatchOfTranscriptsEqualsEachTranscriptAlone() async throws {
        let fixture = try await TrackerFixture()
        try await fixture.recordCompetentListening()
        try await fixture.record("lee", "module-completed", "welcome", date: "2025-06-02")
        let voided = try await fixture.record("lee", "module-completed", "listening", date: "2025-06-03")
        _ = try await fixture.tracker.void(voided.id, reason: "wrong trainee")
        let trainees = try await fixture.tracker.trainees()
        let batch = try await fixture.tracker.transcripts(of: trainees.reversed())
        #expect(batch.map(\.trainee.id) == trainees.reversed().map(\.id), "in the order given")
        for transcript in batch {
            let alone = try await fixture.tracker.transcript(transcript.trainee.id)
            #expect(transcript.entries.map(\.progress) == alone.entries.map(\.progress))
            #expect(transcript.records.map(\.id) == alone.records.map(\.id))
            #expect(transcript.modulesCompleted == alone.modulesCompleted && transcript.completionGaps == alone.completionGaps)
            #expect(transcript.fieldHours == alone.fieldHours)
        }
        #expect(try await fixture.tracker.transcripts(of: []).isEmpty)
    }
}
