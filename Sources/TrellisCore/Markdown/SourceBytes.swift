#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension String {
    /// Whether the text's UTF-8 holds `byte`, found with `memchr`: `utf8.contains` steps one
    /// string index at a time, and every module's text is searched this way on every build
    /// (4% of checking a large curriculum).
    func containsUTF8Byte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, Int32(byte), bytes.count) != nil
        } ?? utf8.contains(byte)
    }
}
