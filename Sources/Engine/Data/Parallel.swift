import Dispatch
import Synchronization

/// Runs independent pieces of work on two threads (file decoding on the 2-core machines
/// prunelab targets; ``ThreadPolicy/pairedTasks``).
enum Parallel {
    /// Runs `first` and `second` concurrently; returns both results, or throws the first
    /// one's error (after both have finished).
    static func both<A: Sendable, B: Sendable>(_ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B) throws -> (A, B) {
        let a = Mutex<Result<A, Error>?>(nil)
        let b = Mutex<Result<B, Error>?>(nil)
        DispatchQueue.concurrentPerform(iterations: ThreadPolicy.pairedTasks) { i in
            if i == 0 {
                let r = Result { try first() }
                a.withLock { $0 = r }
            } else {
                let r = Result { try second() }
                b.withLock { $0 = r }
            }
        }
        guard let ra = a.withLock({ $0 }), let rb = b.withLock({ $0 }) else { throw EngineError("parallel work did not finish") }
        return (try ra.get(), try rb.get())
    }
}
