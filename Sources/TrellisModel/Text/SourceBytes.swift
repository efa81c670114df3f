#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension String {
    /// Whether the text's UTF-8 holds `byte`, found with `memchr`: `utf8.contains` steps one
    /// string index at a time, and every module's text is searched this way on every build
    /// (4% of checking a large curriculum).
    package func containsUTF8Byte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, Int32(byte), bytes.count) != nil
        } ?? utf8.contains(byte)
    }

    /// The text cut at each occurrence of `marker`, comparing bytes (`memchr`, `memcmp`): Foundation's
    /// `components(separatedBy:)` compares as Unicode text, which costs far more on a page of
    /// megabytes such as `manual.html`.
    package func split(atUTF8 marker: String) -> [String] {
        var text = self, marker = marker
        return text.withUTF8 { bytes in
            marker.withUTF8 { needle in
                guard let base = bytes.baseAddress, let needleBase = needle.baseAddress, !needle.isEmpty else { return [self] }
                var parts: [String] = []
                var start = 0, search = 0
                while bytes.count - search >= needle.count,
                      let found = memchr(base + search, Int32(needleBase.pointee), bytes.count - search - needle.count + 1) {
                    let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    guard memcmp(base + offset, needleBase, needle.count) == 0 else {
                        search = offset + 1
                        continue
                    }
                    parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
                    start = offset + needle.count
                    search = start
                }
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
                return parts
            }
        }
    }
}
