import Dispatch

/// Data-parallel loops over independent work items on the machine's cores.
///
/// Each index is handled by exactly one thread and no reduction is split between threads, so
/// results are bit-identical to a serial loop whatever the scheduling. BLAS calls must not be
/// made from inside a body (OpenBLAS runs its own threads). Thread counts come from
/// ``ThreadPolicy``.
public enum ParallelLoops {
    /// Number of worker threads loops use (``ThreadPolicy/loopThreads``: the online cores).
    public static let threadCount: Int = ThreadPolicy.machine.loopThreads

    /// Calls `body(i)` for every `i` in `0..<count`, spreading the indices over the cores when
    /// `count` is at least `minimumCount` (tiny loops stay on the calling thread).
    public static func forEach(_ count: Int, minimumCount: Int = 2, _ body: (Int) -> Void) {
        if count <= 0 { return }
        if !ThreadPolicy.machine.loopRunsConcurrently(count, minimumCount: minimumCount) {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: count) { i in work(i) }
        }
    }

    /// Like ``forRanges(_:minimumCount:_:)``, also passing the part's number (`0..<threadCount`),
    /// so that each part can use its own scratch space.
    public static func forParts(_ count: Int, minimumCount: Int = 16_384, _ body: (Int, Range<Int>) -> Void) {
        if count <= 0 { return }
        let parts = ThreadPolicy.machine.loopParts(count, minimumCount: minimumCount)
        let step = (count + parts - 1) / parts
        forEach(parts) { p in
            let start = p * step
            let end = min(count, start + step)
            if start < end { body(p, start..<end) }
        }
    }

    /// Splits `0..<count` into one contiguous range per thread and calls `body(range)` for each.
    /// Use when per-index work is tiny (element-wise loops).
    public static func forRanges(_ count: Int, minimumCount: Int = 16_384, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let parts = ThreadPolicy.machine.loopRanges(count, minimumCount: minimumCount)
        if parts == 1 {
            body(0..<count)
            return
        }
        let step = (count + parts - 1) / parts
        forEach(parts) { p in
            let start = p * step
            let end = min(count, start + step)
            if start < end { body(start..<end) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
