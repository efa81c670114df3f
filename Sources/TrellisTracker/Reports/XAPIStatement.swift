import TrellisModel

/// The parts of an xAPI 1.0.3 statement that Trellis writes (the JSON keys are the
/// specification's). There is no `version`: the specification says a client should not set
/// it (and, if it does, must write 1.0.0); the record store sets it.
///
/// One `encode(to:)` writes the whole statement through nested containers, rather than each
/// part being an `Encodable` of its own: `JSONEncoder` type-checks and boxes every nested
/// `Encodable` value, and with ten of them per statement the xAPI export of a million
/// records took three times as long as the JSON export (see `Benchmarks/README.md`).
struct XAPIStatement: Encodable, Sendable {
    struct Account: Sendable, Equatable {
        var homePage: String
        var name: String
    }

    struct Agent: Sendable, Equatable {
        var name: String?
        var mbox: String?
        var account: Account?
    }

    struct Verb: Sendable {
        var id: String
        var display: String
    }

    struct Activity: Sendable, Equatable {
        var id: String
        var name: String
        var type: String
    }

    enum Object: Sendable {
        case activity(Activity)
        case statementRef(String)
    }

    struct Score: Sendable, Equatable {
        var raw: Double
        var min: Double
        var max: Double
        var scaled: Double
    }

    struct Result: Sendable, Equatable {
        var score: Score?
        var success: Bool?
        var completion: Bool?
        var duration: String?
        var response: String?
    }

    struct Context: Sendable {
        var language: String?
        var instructor: Agent?
        /// Activities listed under `contextActivities.other`.
        var other: [Activity] = []
        /// Extension IRI and value pairs (not a dictionary: the encoder sorts the keys anyway).
        var extensions: [(String, String)]

        init(language: String?, extensions: [(String, String)]) {
            self.language = language
            self.extensions = extensions
        }
    }

    var id: String
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

    /// A JSON key; statements have keys that are not Swift names (`en-US`, extension IRIs).
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ stringValue: String) { self.stringValue = stringValue }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    typealias Container = KeyedEncodingContainer<Key>

    func encode(to encoder: any Encoder) throws {
        var statement = encoder.container(keyedBy: Key.self)
        try statement.encode(id, forKey: Key("id"))
        var actor = statement.nestedContainer(keyedBy: Key.self, forKey: Key("actor"))
        try Self.encode(self.actor, into: &actor)
        var verb = statement.nestedContainer(keyedBy: Key.self, forKey: Key("verb"))
        try verb.encode(self.verb.id, forKey: Key("id"))
        var display = verb.nestedContainer(keyedBy: Key.self, forKey: Key("display"))
        try display.encode(self.verb.display, forKey: Key("en-US"))
        var object = statement.nestedContainer(keyedBy: Key.self, forKey: Key("object"))
        switch self.object {
        case .activity(let activity):
            try Self.encode(activity, into: &object)
        case .statementRef(let id):
            try object.encode("StatementRef", forKey: Key("objectType"))
            try object.encode(id, forKey: Key("id"))
        }
        if let result {
            var container = statement.nestedContainer(keyedBy: Key.self, forKey: Key("result"))
            if let score = result.score {
                var scoreContainer = container.nestedContainer(keyedBy: Key.self, forKey: Key("score"))
                try scoreContainer.encode(score.raw, forKey: Key("raw"))
                try scoreContainer.encode(score.min, forKey: Key("min"))
                try scoreContainer.encode(score.max, forKey: Key("max"))
                try scoreContainer.encode(score.scaled, forKey: Key("scaled"))
            }
            if let success = result.success { try container.encode(success, forKey: Key("success")) }
            if let completion = result.completion { try container.encode(completion, forKey: Key("completion")) }
            if let duration = result.duration { try container.encode(duration, forKey: Key("duration")) }
            if let response = result.response { try container.encode(response, forKey: Key("response")) }
        }
        if let context {
            var container = statement.nestedContainer(keyedBy: Key.self, forKey: Key("context"))
            try container.encode("Trellis", forKey: Key("platform"))
            if let language = context.language { try container.encode(language, forKey: Key("language")) }
            if let instructor = context.instructor {
                var agent = container.nestedContainer(keyedBy: Key.self, forKey: Key("instructor"))
                try Self.encode(instructor, into: &agent)
            }
            if !context.other.isEmpty {
                var activities = container.nestedContainer(keyedBy: Key.self, forKey: Key("contextActivities"))
                var other = activities.nestedUnkeyedContainer(forKey: Key("other"))
                for activity in context.other {
                    var item = other.nestedContainer(keyedBy: Key.self)
                    try Self.encode(activity, into: &item)
                }
            }
            var extensions = container.nestedContainer(keyedBy: Key.self, forKey: Key("extensions"))
            for (iri, value) in context.extensions { try extensions.encode(value, forKey: Key(iri)) }
        }
        try statement.encode(timestamp, forKey: Key("timestamp"))
    }

    static func encode(_ agent: Agent, into container: inout Container) throws {
        try container.encode("Agent", forKey: Key("objectType"))
        if let name = agent.name { try container.encode(name, forKey: Key("name")) }
        if let mbox = agent.mbox { try container.encode(mbox, forKey: Key("mbox")) }
        if let account = agent.account {
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: Key("account"))
            try nested.encode(account.homePage, forKey: Key("homePage"))
            try nested.encode(account.name, forKey: Key("name"))
        }
    }

    static func encode(_ activity: Activity, into container: inout Container) throws {
        try container.encode("Activity", forKey: Key("objectType"))
        try container.encode(activity.id, forKey: Key("id"))
        var definition = container.nestedContainer(keyedBy: Key.self, forKey: Key("definition"))
        var name = definition.nestedContainer(keyedBy: Key.self, forKey: Key("name"))
        try name.encode(activity.name, forKey: Key("en-US"))
        try definition.encode(activity.type, forKey: Key("type"))
    }
}
