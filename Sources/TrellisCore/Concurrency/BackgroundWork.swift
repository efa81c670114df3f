import Foundation

/// Work started on another thread now, whose result is collected later: something the build
/// needs only after a long parallel step, started before it so that it is not left to run on
/// one core afterwards.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Value?  // written once, before `group` is left; read after waiting on it

    /// - Parameter ownThread: run on a thread of its own rather than on Dispatch's pool, for
    ///   work that itself spreads over every core (`concurrentMap`) while the caller does the
    ///   same: on a pool thread, Dispatch gives such nested work fewer threads.
    init(ownThread: Bool = false, _ work: @escaping @Sendable () -> Value) {
        group.enter()
        let run = { @Sendable in
            self.result = work()
            self.group.leave()
        }
        if ownThread { Thread(block: run).start() } else { DispatchQueue.global().async(execute: run) }
    }

    /// Waits for the work to finish.
    var value: Value {
        group.wait()
        return result!
    }
}
