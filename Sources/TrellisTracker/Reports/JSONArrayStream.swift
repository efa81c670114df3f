import TrellisModel
import Foundation

/// A JSON array of very many values (every record, every statement), written in pieces as it
/// is encoded rather than built whole in memory.
///
/// Elements are encoded in chunks on all cores and each chunk's array is spliced into the one
/// output array, so the text is exactly what one `JSONEncoder` call would write for the whole
/// array. A million xAPI statements are about 2 GB of text: building it whole cost half of
/// the export's time in page faults and copies, and as much memory again as the records.
enum JSONArrayStream {
    /// Elements per `JSONEncoder` call.
    static let chunkSize = 2048
    /// Chunks encoded at once before they are written, which bounds the memory the text takes.
    static let chunksInFlight = 16

    /// Writes `[…]` of `transform(element)` for each element to `write`, in order, pretty
    /// printed with sorted keys (the exports' format: stable, so two exports can be diffed).
    static func write<Source: Sendable, Value: Encodable>(
        _ elements: [Source], as transform: @escaping @Sendable (Source) -> Value, to write: (Data) throws -> Void
    ) throws {
        try write(Data("[\n".utf8))
        let starts = Array(stride(from: 0, to: elements.count, by: chunkSize))
        var first = true
        for batch in stride(from: 0, to: starts.count, by: chunksInFlight) {
            let encoded = Array(starts[batch..<min(starts.count, batch + chunksInFlight)]).concurrentMap { start in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                return Result { try encoder.encode(elements[start..<min(elements.count, start + chunkSize)].map(transform)) }
                    .mapError { TrackerError("could not write the export as JSON: \($0)",
                                             remedy: "this is a bug in Trellis; report it with the command you ran") }
            }
            for chunk in encoded {
                // Each chunk is `[\n  {…},\n  {…}\n]`: keep what is between the brackets.
                let array = try chunk.get()
                if !first { try write(Data(",\n".utf8)) }
                try write(array.dropFirst(2).dropLast(2))
                first = false
            }
        }
        try write(Data((first ? "]" : "\n]").utf8))
    }


}

/// `trellis export --format json`: every record as the tracker's own JSON (`EvidenceRecord`'s
/// `Codable` form).
public enum EvidenceJSON {
    public static func write(_ records: [EvidenceRecord], to output: (Data) throws -> Void) throws {
        try JSONArrayStream.write(records, as: { $0 }, to: output)
    }
}
