import Foundation

// EmbedThemeTool OUTPUT TYPE ROOT FILE...: writes OUTPUT, a Swift file declaring, as `TYPE.files`,
// every FILE (a path relative to ROOT) with its exact bytes, for the EmbedTheme build plugin. Text is written as a
// raw string literal (quick to compile); a file that is not UTF-8 text with LF line ends, whose
// bytes a string literal would not keep, as base64.

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: EmbedThemeTool OUTPUT TYPE ROOT FILE...\n".utf8))
    exit(2)
}
let (output, type, root) = (arguments[1], arguments[2], arguments[3])

/// A Swift string literal of `text` whose content is taken as it is.
func rawLiteral(_ text: String) -> String {
    // One more `#` than the longest run of `#` in the text, so nothing inside can close it.
    var longest = 0, run = 0
    for character in text { run = character == "#" ? run + 1 : 0; longest = max(longest, run) }
    let hashes = String(repeating: "#", count: longest + 1)
    return hashes + "\"\"\"\n" + text + "\n\"\"\"" + hashes
}

var source = """
    // Generated at build time by EmbedThemeTool (the EmbedTheme plugin). Do not edit.
    import TrellisModel

    extension \(type) {
        /// Every embedded file, by its path below the embedded folder.
        static let files: [(path: String, content: EmbeddedFile)] = [

    """
for file in arguments.dropFirst(4) {
    let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
    let path = "\"" + file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    if let text = String(data: data, encoding: .utf8), !text.contains("\r") {
        source += "        (\(path), .text(\(rawLiteral(text)))),\n"
    } else {
        source += "        (\(path), .base64(\"\(data.base64EncodedString())\")),\n"
    }
}
source += "    ]\n}\n"
try Data(source.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
