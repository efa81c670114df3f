/// Trimming of values as people type them (front matter, CSV fields, form input).
extension StringProtocol {
    package var trimmingWhitespace: String {
        // Fast path for the common case (imports trim every CSV field): nothing to trim.
        let scalars = self.unicodeScalars
        if let first = scalars.first?.value, let last = scalars.last?.value, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return String(self)
        }
        var trimmed = Substring(self)
        while let first = trimmed.first, first.isWhitespace { trimmed.removeFirst() }
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        return String(trimmed)
    }
}
