import Foundation

/// A map from byte strings to values, looked up with bytes straight from the file (no String
/// is made to ask). Open addressing, FNV-1a; built once, then only read.
struct ByteMap<Value: Sendable>: Sendable {
    private var keys: [[UInt8]?]
    private var values: [Value?]
    private let mask: Int

    init<S: Sequence>(_ entries: S) where S.Element == (String, Value) {
        let list = Array(entries)
        var capacity = 16
        while capacity < list.count * 2 { capacity *= 2 }
        keys = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = capacity - 1
        for (key, value) in list {
            let bytes = Array(key.utf8)
            var slot = ByteMap.hash(bytes.withUnsafeBufferPointer { UnsafeRawBufferPointer($0) }) & mask
            while let existing = keys[slot], existing != bytes { slot = (slot + 1) & mask }
            if keys[slot] == nil { keys[slot] = bytes; values[slot] = value }
        }
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = FNV1a()
        hasher.mix(bytes)
        return hasher.bucket
    }

    func lookup(_ bytes: UnsafeRawBufferPointer) -> Value? {
        var slot = ByteMap.hash(bytes) & mask
        while let key = keys[slot] {
            if key.count == bytes.count, key.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                return values[slot]
            }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// The import's fast path for one evidence row: the plain case (unquoted ASCII fields with
/// nothing to trim, known trainee, kind, subject and level, a well-formed date) checked on the
/// file's bytes. It accepts a row only when `EvidenceValidator.check` would accept it with
/// the same result; for anything else it returns nil and the row takes the general path,
/// which also words every problem.
struct FastEvidenceRow: Sendable {
    struct Columns: Sendable {
        var key, trainee, kind, about, date, score, level, observer, minutes, competencies: Int?
        var nextStep, hours, topic, provider, category, course, note, recordedBy: Int?
    }

    let columns: Columns
    let fieldCount: Int
    /// Header names as bytes, for the row key, and whether each column counts (all but `recorded_by`).
    let keyNames: [[UInt8]]
    let keyed: [Bool]
    let trainees: ByteMap<EvidenceValidator.TraineeFacts>
    let kinds: ByteMap<EvidenceKind>
    /// `module:ID`, `competency:ID` and unambiguous bare ids → (catalogue index, is a module).
    let subjects: ByteMap<(Int32, Bool)>
    let competencies: ByteMap<Int32>
    let levels: ByteMap<Int16>
    let today: Int

    /// - Parameter catalogueIndex: each subject's first index in `catalogue` (the importer's own map).
    init(header: [String], columns: Columns, validator: EvidenceValidator, catalogue: [EvidenceSubject],
         catalogueIndex: [EvidenceSubject: Int32], levels: [String]) {
        self.columns = columns
        fieldCount = header.count
        keyNames = header.map { Array($0.utf8) }
        keyed = header.map { $0 != "recorded_by" }
        trainees = ByteMap(validator.trainees.map { ($0.key, $0.value) })
        kinds = ByteMap(EvidenceKind.recordable.map { ($0.name, $0) })
        // A text that could name two different things is left out: the general path decides.
        var subjectEntries: [String: (Int32, Bool)?] = [:]
        var competencyEntries: [String: Int32?] = [:]
        func add(_ text: String, _ value: (Int32, Bool)) {
            if let existing = subjectEntries[text] {
                if existing.map({ $0 != value }) ?? true { subjectEntries[text] = .some(nil) }
            } else {
                subjectEntries[text] = value
            }
        }
        for (index, subject) in catalogue.enumerated() {
            let isModule = subject.kind == .module
            let number = catalogueIndex[subject] ?? Int32(index)
            add("\(subject.kind.rawValue):\(subject.id)", (number, isModule))
            let bareIsAmbiguous = validator.modules.contains(subject.id) && validator.competencies.contains(subject.id)
            if !bareIsAmbiguous { add(subject.id, (number, isModule)) }
            if !isModule { competencyEntries[subject.id] = number }
        }
        subjects = ByteMap(subjectEntries.compactMap { key, value in value.map { (key, $0) } })
        competencies = ByteMap(competencyEntries.compactMap { key, value in value.map { (key, $0) } })
        self.levels = ByteMap(levels.enumerated().map { ($1, Int16($0)) })
        today = validator.today.dayNumber
    }

    /// The checked row, or nil when the general path must decide.
    func check(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, fields: inout [Range<Int>]) -> CSVImporter.PendingRow? {
        // Split the record; give up on quotes, non-ASCII bytes and anything to trim.
        fields.removeAll(keepingCapacity: true)
        var index = start, fieldStart = start
        let count = bytes.count
        while true {
            let byte: UInt8 = index < count ? bytes[index] : 0x0A
            if byte == 0x2C || byte == 0x0A || byte == 0x0D {
                if index > fieldStart {
                    let first = bytes[fieldStart], last = bytes[index - 1]
                    if first <= 0x20 || first >= 0x7F || last <= 0x20 || last >= 0x7F { return nil }
                }
                fields.append(fieldStart..<index)
                if byte != 0x2C { break }
                index += 1
                fieldStart = index
                continue
            }
            if byte == 0x22 || byte >= 0x80 { return nil }
            index += 1
        }
        guard fields.count == fieldCount else { return nil }
        let base = UnsafeRawBufferPointer(bytes)
        func raw(_ column: Int?) -> UnsafeRawBufferPointer? {
            guard let column else { return nil }
            let range = fields[column]
            return range.isEmpty ? nil : UnsafeRawBufferPointer(rebasing: base[range])
        }
        func text(_ column: Int?) -> String? {
            raw(column).map { String(decoding: $0, as: UTF8.self) }
        }

        guard let traineeBytes = raw(columns.trainee), let trainee = trainees.lookup(traineeBytes),
              let kindBytes = raw(columns.kind), let kind = kinds.lookup(kindBytes),
              let dateBytes = raw(columns.date), let day = FastEvidenceRow.day(dateBytes),
              day <= today, day >= trainee.startDate.dayNumber else { return nil }

        var subject: Int32 = -1
        if let aboutBytes = raw(columns.about) {
            guard let (index, isModule) = subjects.lookup(aboutBytes) else { return nil }
            if kind == .moduleCompleted, !isModule { return nil }
            subject = index
        } else if kind == .moduleCompleted || kind == .knowledgeCheck || kind == .observedPractice || kind == .supervisorSignoff {
            return nil
        }

        let observer = text(columns.observer)
        let note = text(columns.note)
        let topic = text(columns.topic)
        let category = raw(columns.category)
        if let bytes = category, bytes.contains(where: { (0x41...0x5A).contains($0) }) { return nil }
        var score: Double?, level: Int16 = -1, minutes: Int?, hours: Double?
        var coached: [Int32] = []
        switch kind {
        case .knowledgeCheck:
            guard let written = text(columns.score), let value = Double(written), value.isFinite, (0...100).contains(value) else { return nil }
            score = value
        case .observedPractice:
            guard let levelBytes = raw(columns.level), let rank = levels.lookup(levelBytes), observer != nil else { return nil }
            level = rank
        case .coachingSession:
            guard let written = text(columns.minutes), let value = Int(written), value > 0, value <= 24 * 60, observer != nil else { return nil }
            minutes = value
            if let list = raw(columns.competencies) {
                var itemStart = 0
                for position in 0...list.count {
                    if position == list.count || list[position] == 0x2C || list[position] == 0x3B {
                        if position > itemStart {
                            let item = UnsafeRawBufferPointer(rebasing: list[itemStart..<position])
                            guard item.first! > 0x20, item.last! > 0x20, let competency = competencies.lookup(item) else { return nil }
                            coached.append(competency)
                        }
                        itemStart = position + 1
                    }
                }
            }
        case .supervisorSignoff:
            if observer == nil { return nil }
        case .reflection:
            if note == nil { return nil }
        case .continuingEducation:
            guard let written = text(columns.hours), let value = Double(written), value.isFinite, value > 0, value <= 1000, topic != nil else { return nil }
            hours = value
        case .moduleCompleted, .void:
            break
        }

        // The row key, with the same hasher as `CSVImporter.fingerprint` (fields here need no trimming).
        var hasher = FNV1a()
        if let keyBytes = raw(columns.key) {
            hasher.mixField(name: "key".utf8, value: CSVImporter.keyPrefix.utf8, keyBytes)
        } else {
            for (column, name) in keyNames.enumerated() where keyed[column] {
                hasher.mixField(name: name, value: UnsafeRawBufferPointer(rebasing: base[fields[column]]))
            }
        }

        return CSVImporter.PendingRow(
            line: Int32(truncatingIfNeeded: line), kind: kind, day: Int32(truncatingIfNeeded: day), subject: subject, level: level,
            traineeNo: trainee.no, key: hasher.key, score: score, minutes: minutes, hours: hours,
            observer: observer, nextStep: text(columns.nextStep), topic: topic, provider: text(columns.provider),
            category: category.map { String(decoding: $0, as: UTF8.self) }, course: text(columns.course), note: note,
            recordedBy: text(columns.recordedBy), competencies: coached)
    }

    /// `YYYY-MM-DD` with digits only, as a day number; nil for anything else.
    static func day(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
              let date = CalendarDate(year: year, month: month, day: day) else { return nil }
        return date.dayNumber
    }
}
