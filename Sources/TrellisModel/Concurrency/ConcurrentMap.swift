import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// Maps on all cores, keeping the order of the input (so output stays deterministic).
    package func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        if count < 2 { return map(transform) }
        let results = ResultSlots<Result>(count: count)
        let items = self
        DispatchQueue.concurrentPerform(iterations: count) { index in
            results.store(transform(items[index]), at: index)
        }
        return results.collected()
    }
}

/// Write-once slots that many threads fill by index; each index is written by exactly one thread.
private final class ResultSlots<Result>: @unchecked Sendable {
    private var slots: [Result?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ value: Result, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func collected() -> [Result] { slots.map { $0! } }
}
