/// Ids appear in file names and URLs, so they are kept to a safe, readable alphabet.
public enum Identifier {
    public static func isValid(_ id: String) -> Bool {
        guard !id.isEmpty, !id.hasPrefix("-"), !id.hasSuffix("-"), !id.contains("--") else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A competency id, which may be a code from a published framework (`LS1`, `C-COM-001`,
    /// `ETH_2.1`): letters of either case, digits, and `-`, `_` or `.` between them. Its page
    /// path is lowercased (`Competency.pageName`), so two ids that differ only by case clash.
    public static func isValidCode(_ id: String) -> Bool {
        let punctuation: Set<Unicode.Scalar> = ["-", "_", "."]
        var previousWasPunctuation = true  // no punctuation first
        for scalar in id.unicodeScalars {
            let isPunctuation = punctuation.contains(scalar)
            guard isPunctuation || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) else { return false }
            if isPunctuation && previousWasPunctuation { return false }
            previousWasPunctuation = isPunctuation
        }
        return !id.isEmpty && !previousWasPunctuation
    }
}
