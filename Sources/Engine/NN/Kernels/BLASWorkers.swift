import CBLAS
import Synchronization

/// Data-parallel BLAS work: the layers split a batch between one worker per BLAS thread
/// (``BLASThreads/count``, which `sys.set_threads` sets), and each worker makes
/// *single-threaded* sgemm calls on its share.
///
/// Compared with one multi-threaded sgemm per call this keeps each worker's im2col, product
/// and scatter in its own core's cache, and leaves no OpenBLAS thread spinning while the
/// layers' element-wise loops run. Work is split the same way on every run, and partial sums
/// are added in a fixed order, so results are bit-identical at the same thread count.
enum BLASWorkers {
    /// Number of workers: the BLAS thread count.
    static var count: Int { max(1, Int(openblas_get_num_threads())) }

    /// Runs `body(worker)` for `worker` in `0..<workers` concurrently, with OpenBLAS set to one
    /// thread meanwhile (restored afterwards). Rethrows the first worker's error.
    static func run(_ workers: Int, _ body: (Int) throws -> Void) throws {
        if workers <= 1 {
            try body(0)
            return
        }
        let saved = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(saved) }
        let failure = Mutex<EngineError?>(nil)
        ParallelLoops.forEach(workers) { w in
            do {
                try body(w)
            } catch {
                let e = error as? EngineError ?? EngineError("\(error)")
                failure.withLock { if $0 == nil { $0 = e } }
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
    }

    /// The part of `0..<count` worker `w` of `workers` handles (contiguous, near-equal parts).
    static func share(_ count: Int, _ w: Int, _ workers: Int) -> Range<Int> {
        let base = count / workers, extra = count % workers
        let start = w * base + min(w, extra)
        return start..<(start + base + (w < extra ? 1 : 0))
    }
}
