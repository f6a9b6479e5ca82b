import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Splits large elementwise work over the machine's cores.
///
/// Elementwise kernels give the same result however the elements are split, so this changes no
/// number; reductions never use it (their summation order stays fixed). Work below
/// ``minimumElements`` runs on the calling thread, where starting threads would cost more than
/// it saves. How many chunks: ``ThreadPolicy/elementwiseThreads(_:)``.
enum ParallelChunks {
    /// Smallest element count worth splitting.
    static let minimumElements = ThreadPolicy.elementwiseMinimum

    /// Calls `body(start, count)` for consecutive chunks covering `0..<n`, concurrently when `n`
    /// is large. Chunk starts are multiples of 64 elements (whole cache lines).
    static func run(_ n: Int, _ body: (Int, Int) -> Void) {
        let parts = ThreadPolicy.machine.elementwiseThreads(n)
        if parts <= 1 {
            body(0, n)
            return
        }
        let step = (n / parts + 63) & ~63
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let start = k * step
                if start < n { box.value(start, Swift.min(step, n - start)) }
            }
        }
    }

    /// Carries a non-Sendable closure into `concurrentPerform`: each chunk touches disjoint
    /// elements, and `run` returns only after every chunk has finished.
    private struct UncheckedBox<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }
}
