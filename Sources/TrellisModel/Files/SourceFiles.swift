import Foundation

/// Reading the files of a curriculum or theme folder, with diagnostics a trainer can act on.
package func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// - Parameter folderOption: the option that names the folder the file is in, for the remedy.
package func readFile(_ path: String, what: String, folderOption: String = "--curriculum", diagnostics: inout [Diagnostic]) -> String? {
    decodeText(FileManager.default.contents(atPath: path), path: path, what: what, folderOption: folderOption, diagnostics: &diagnostics)
}

/// A source file's bytes as text, or a diagnostic saying why there is none.
package func decodeText(_ data: Data?, path: String, what: String, folderOption: String = "--curriculum",
                        diagnostics: inout [Diagnostic]) -> String? {
    guard let data else {
        diagnostics.append(.error(at: SourceLocation(path: path, line: 1, column: 1), "cannot read \(path)",
                                  remedy: "create the file (it holds \(what)) or pass the right folder with \(folderOption)"))
        return nil
    }
    guard let text = String(data: data, encoding: .utf8) else {
        diagnostics.append(.error(at: SourceLocation(path: path, line: 1, column: 1), "\(path) is not valid UTF-8 text",
                                  remedy: "save the file as UTF-8 in your editor"))
        return nil
    }
    return text
}

package func listFiles(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// Regular files below `directory`, as sorted relative paths; hidden files are skipped.
package func listFilesRecursively(_ directory: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    var files: [String] = []
    while let relative = enumerator.nextObject() as? String {
        let name = (relative as NSString).lastPathComponent
        if name.hasPrefix(".") {
            if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { enumerator.skipDescendants() }
            continue
        }
        if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular { files.append(relative) }
    }
    return files.sorted()
}
