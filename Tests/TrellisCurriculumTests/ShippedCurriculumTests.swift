import Foundation
import Testing
@testable import TrellisModel
@testable import TrellisMarkdown
@testable import TrellisCurriculum
import TrellisTestSupport

/// The shipped parent peer specialist curriculum meets the content standard it promises:
/// every module teaches, practises and assesses, and the framework is complete.
@Suite struct ShippedCurriculumTests {
    static let directory = Fixtures.packageRoot + "/Curriculum"
    static let loaded = CurriculumLoader(directory: directory).load()

    @Test func checksCleanWithNoWarnings() {
        let found = diagnostics(for: Self.directory)
        #expect(found.isEmpty, "\(found.map(\.description).joined(separator: "\n"))")
    }

    @Test func hasTheModulesTheProgramNeeds() {
        let ids = Set(Self.loaded.0.modules.map(\.id))
        #expect(ids.count >= 14)
        for required in ["peer-role", "professional-boundaries", "purposeful-self-disclosure", "cultural-humility", "child-welfare",
                         "engage", "explore", "plan", "access-and-advocate", "dignity-of-risk", "trauma-informed-practice",
                         "self-care-and-emotional-labour", "using-supervision-and-coaching", "supervising-peer-specialists",
                         "parenting-across-the-life-span"] {
            #expect(ids.contains(required), "missing module \(required)")
        }
    }

    @Test(arguments: CurriculumLoader(directory: Fixtures.packageRoot + "/Curriculum").load().0.modules.map(\.id))
    func moduleTeachesPractisesAndAssesses(id: String) throws {
        let module = try #require(Self.loaded.0.module(id))
        let kinds = module.body.callouts.compactMap(\.kind)
        #expect(kinds.filter { $0 == .scenario }.count >= 2, "at least two role-play scenarios")
        for kind in [CalloutKind.reflect, .discuss, .keyPoints, .trainerNote] {
            #expect(kinds.contains(kind), "\(id) needs a \(kind.rawValue) callout")
        }
        let sections = Set(module.body.headings.filter { $0.level == 2 }.map(\.text))
        for section in ["Knowledge check", "Observation checklist", "References"] {
            #expect(sections.contains(section), "\(id) needs a `## \(section)` section")
        }
        #expect(module.objectives.count >= 3)
        #expect(!module.competencies.isEmpty && module.duration >= 60)
        #expect(!module.materials.isEmpty, "trainers need the materials list")
        let source = try String(contentsOfFile: module.path, encoding: .utf8).lowercased()
        for phrase in ["the mentally ill", "suffering from", "committed suicide", "a schizophrenic"] {
            #expect(!source.contains(phrase), "\(id) uses stigmatizing language: \(phrase)")
        }
        // Knowledge-check answers live only in trainer notes: the trainee edition has none.
        let trainee = ModuleBodyCompiler.compile(markdown: FrontMatter.split(source)!.body, editions: [.trainee]).html[.trainee] ?? ""
        #expect(!trainee.contains("callout-trainer-note"))
    }

    @Test func policyModulesCarryAReviewDate() throws {
        let childWelfare = try #require(Self.loaded.0.module("child-welfare"))
        #expect(childWelfare.reviewBy != nil && childWelfare.updated != nil)
    }

    @Test func frameworkIsCompleteAndMappedToSAMHSA() {
        let framework = Self.loaded.0.framework
        #expect((20...35).contains(framework.competencies.count))
        #expect(framework.scale.map(\.id) == ["aware", "practicing", "competent", "mentor"])
        for competency in framework.competencies {
            #expect((2...4).contains(competency.indicators.count), "\(competency.id) needs 2–4 indicators")
            #expect(!competency.samhsa.isEmpty, "\(competency.id) needs a SAMHSA mapping")
        }
        let covered = Set(framework.competencies.flatMap(\.samhsa))
        #expect(covered == Set(1...12), "every SAMHSA category is covered; missing \(Set(1...12).subtracting(covered).sorted())")
        let built = Self.loaded.0.modulesByCompetency
        #expect(framework.competencies.allSatisfy { built[$0.id] != nil }, "every competency is built by a module")
        #expect(framework.progression?.rules.count == framework.scale.count)
        #expect(!Self.loaded.0.manifest.schedule.isEmpty)
    }

    /// A trainee peer can complete the program: supervising peers is for the supervisor track.
    @Test func traineesAndSupervisorsEachHaveACompletableSet() throws {
        let framework = Self.loaded.0.framework
        let sets = framework.completionSets
        #expect(sets.map(\.id) == ["peer-specialist", "supervisor"])
        let trainee = try #require(framework.completionSet(nil))
        #expect(trainee.id == "peer-specialist" && trainee.requiredLevel(of: "supervising-peers") == nil)
        #expect(trainee.requirements.count == framework.competencies.count - 1)
        let supervisor = try #require(framework.completionSet("supervisor"))
        #expect(supervisor.requiredLevel(of: "supervising-peers") == "competent")
        #expect(supervisor.requirements.count == framework.competencies.count)
    }

    /// Every competency's rubric anchors every level of the scale, in plain, short sentences.
    @Test func everyCompetencyHasARubricForEveryLevel() {
        let framework = Self.loaded.0.framework
        for competency in framework.competencies {
            #expect(Set(competency.rubric.keys) == Set(framework.scale.map(\.id)), "\(competency.id) needs an anchor for every level")
            for (level, text) in competency.rubric {
                #expect((40...260).contains(text.count), "\(competency.id) \(level): an anchor is one or two short sentences")
            }
        }
    }
}
