import TrellisCore
/// The parts of an xAPI 1.0.3 statement that Trellis writes, as `Codable` values (the JSON
/// keys are the specification's).
struct XAPIStatement: Encodable, Sendable {
    /// A language map with the one language Trellis writes (a struct, not a dictionary: a
    /// million statements encode noticeably faster).
    struct LanguageMap: Encodable, Sendable, Equatable {
        var english: String
        private enum CodingKeys: String, CodingKey { case english = "en-US" }
        init(_ english: String) { self.english = english }
    }

    struct Account: Encodable, Sendable, Equatable {
        var homePage: String
        var name: String
    }

    struct Agent: Encodable, Sendable, Equatable {
        var objectType = "Agent"
        var name: String?
        var mbox: String?
        var account: Account?
    }

    struct Verb: Encodable, Sendable {
        var id: String
        var display: LanguageMap
    }

    struct Activity: Encodable, Sendable, Equatable {
        struct Definition: Encodable, Sendable, Equatable {
            var name: LanguageMap
            var type: String
        }

        var objectType = "Activity"
        var id: String
        var definition: Definition

        init(id: String, name: String, type: String) {
            self.id = id
            definition = Definition(name: LanguageMap(name), type: type)
        }
    }

    enum Object: Encodable, Sendable {
        case activity(Activity)
        case statementRef(String)

        private enum CodingKeys: String, CodingKey { case objectType, id }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .activity(let activity):
                try activity.encode(to: encoder)
            case .statementRef(let id):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode("StatementRef", forKey: .objectType)
                try container.encode(id, forKey: .id)
            }
        }
    }

    struct Score: Encodable, Sendable, Equatable {
        var raw: Double
        var min: Double
        var max: Double
        var scaled: Double
    }

    struct Result: Encodable, Sendable, Equatable {
        var score: Score?
        var success: Bool?
        var completion: Bool?
        var duration: String?
        var response: String?
    }

    struct ContextActivities: Encodable, Sendable {
        var other: [Activity]
    }

    struct Context: Encodable, Sendable {
        var platform = "Trellis"
        var language: String?
        var instructor: Agent?
        var contextActivities: ContextActivities?
        var extensions: [String: String]

        init(language: String?, extensions: [String: String]) {
            self.language = language
            self.extensions = extensions
        }
    }

    var id: String
    var version = "1.0.3"
    var actor: Agent
    var verb: Verb
    var object: Object
    var result: Result?
    var context: Context?
    var timestamp: String

    init(id: String, actor: Agent, verb: Verb, object: Object, timestamp: String) {
        self.id = id
        self.actor = actor
        self.verb = verb
        self.object = object
        self.timestamp = timestamp
    }
}
