import Foundation

/// Work started on another thread now, whose result is collected later: something the build
/// needs only after a long parallel step, started before it so that it is not left to run on
/// one core afterwards.
package final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Value?  // written once, before `group` is left; read after waiting on it

    package init(_ work: @escaping @Sendable () -> Value) {
        group.enter()
        DispatchQueue.global().async {
            self.result = work()
            self.group.leave()
        }
    }

    /// Waits for the work to finish.
    package var value: Value {
        group.wait()
        return result!
    }
}
