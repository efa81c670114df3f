import Foundation

extension NSLock {
    /// Runs `body` holding the lock.
    package func guarding<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
