import Foundation
import Testing
import TrellisModel
import TrellisTestSupport
@testable import TrellisSite

/// Handouts (`handouts/<id>.md`), the glossary and its first-use links, and a schedule that names modules.
@Suite struct HandoutPagesTests {
    private func project() throws -> SiteProject {
        let project = try SiteProject()
        try project.write("Curriculum/handouts/listening-log.md", """
            ---
            id: listening-log
            title: Listening log
            summary: A log of reflections.
            modules: [listening]
            ---

            ## Log

            Write each reflection here. A reflection is short. Then one more reflection.

            | Date | What I reflected |
            | --- | --- |
            | | |

            > [!TRAINER-NOTE]
            > HANDOUT-TRAINER-TEXT, and the [answer key](answer-key.md).

            ## References

            1. Writer, A. (2020). *A scenario book*.
            """)
        try project.write("Curriculum/handouts/answer-key.md", """
            ---
            id: answer-key
            title: Answer key
            summary: Answers for trainers.
            modules: []
            trainers_only: true
            ---

            ## Answers

            1. b
            """)
        try project.write("Curriculum/glossary.yml", """
            terms:
              - id: reflection
                term: Reflection
                definition: Saying back what you heard, so the person knows you heard it.
              - id: scenario
                term: Scenario
                aliases: [case study]
                definition: A short story to practise on.
            """)
        try project.replace("Curriculum/curriculum.yml", "    tracks: [basics, practice]", with: "    modules: [welcome, listening, planning]")
        return project
    }

    @Test func handoutsArePagesInTheirEditionsAndLinkedFromTheirModules() throws {
        let project = try project()
        try project.build()
        let trainee = try project.read("site/trainee/handouts/listening-log.html")
        #expect(trainee.contains("<h1>Listening log</h1>"))
        #expect(!trainee.contains("HANDOUT-TRAINER-TEXT"))
        #expect(try project.read("site/trainer/handouts/listening-log.html").contains("HANDOUT-TRAINER-TEXT"))
        #expect(try project.read("site/trainer/handouts/listening-log.html").contains("href=\"answer-key.html\""))
        #expect(!FileManager.default.fileExists(atPath: project.output + "/trainee/handouts/answer-key.html"))
        #expect(FileManager.default.fileExists(atPath: project.output + "/trainer/handouts/answer-key.html"))
        #expect(try project.read("site/trainee/modules/listening.html").contains("href=\"../handouts/listening-log.html\""))
        let index = try project.read("site/trainee/handouts/index.html")
        #expect(index.contains("listening-log.html") && !index.contains("answer-key.html"))
        #expect(try project.read("site/trainer/handouts/index.html").contains("answer-key.html"))
        #expect(try project.read("site/trainee/search-index.js").contains("handouts/listening-log.html"))
    }

    @Test func theFirstUseOfATermInRunningTextLinksToTheGlossary() throws {
        let project = try project()
        try project.build()
        let handout = try project.read("site/trainee/handouts/listening-log.html")
        let link = "<a class=\"glossary-term\" href=\"../glossary.html#term-reflection\">reflection</a>"
        // The first use in a paragraph is linked, once; the heading and table cell are not.
        #expect(handout.components(separatedBy: "glossary.html#term-reflection").count == 2)
        #expect(handout.contains("Write each \(link) here."))
        #expect(!handout.contains("term-scenario"), "a source's title under References is not linked")
        let glossary = try project.read("site/trainee/glossary.html")
        #expect(glossary.contains("id=\"term-reflection\""))
        #expect(glossary.contains("A short story to practise on."))
        #expect(try project.read("site/trainee/index.html").contains("href=\"glossary.html\""))
    }

    @Test func theScheduleShowsEachDaysModulesAndMinutes() throws {
        let project = try project()
        try project.build()
        let home = try project.read("site/trainee/index.html")
        #expect(home.contains("<a href=\"modules/listening.html\">Listening</a>"))
        let facilitator = try project.read("site/trainer/facilitator.html")
        #expect(facilitator.contains("modules/planning.html"))
    }

    @Test func brokenHandoutReferencesAreErrorsWithTheirLocation() throws {
        let project = try project()
        try project.replace("Curriculum/handouts/listening-log.md", "modules: [listening]", with: "modules: [listenin]")
        try project.replace("Curriculum/handouts/listening-log.md", "Write each reflection here.",
                            with: "Write each reflection here, see [the key](answer-key.md) and [gone](missing.md).")
        try project.replace("Curriculum/curriculum.yml", "modules: [welcome, listening, planning]", with: "modules: [welcome, listening, planing]")
        let messages = diagnostics(for: project.curriculum).map(\.description)
        #expect(messages.contains { $0.contains("listening-log.md:5:") && $0.contains("unknown module `listenin`") && $0.contains("did you mean module `listening`") })
        #expect(messages.contains { $0.contains("trainers-only handout `answer-key` from text that trainees read") })
        #expect(messages.contains { $0.contains("missing handout `missing.md`") })
        #expect(messages.contains { $0.contains("names unknown module `planing`") })
    }
}
