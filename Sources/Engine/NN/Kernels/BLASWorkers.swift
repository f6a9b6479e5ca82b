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
    /// Runs in progress (they may overlap when several threads train models) and the BLAS
    /// thread count to restore when the last one ends.
    private static let state = Mutex<(active: Int, saved: Int32)>((0, 1))

    /// Number of workers (``ThreadPolicy/blasWorkers(blasThreads:)``): the BLAS thread count
    /// the user chose (``BLASThreads``), also while runs have OpenBLAS temporarily set to one
    /// thread.
    static var count: Int {
        ThreadPolicy.machine.blasWorkers(blasThreads: chosenBLASThreads)
    }

    /// The BLAS thread count the user chose: OpenBLAS's, or the one saved while runs are active.
    static var chosenBLASThreads: Int {
        state.withLock { Int($0.active > 0 ? $0.saved : openblas_get_num_threads()) }
    }

    /// Runs `body(worker)` for `worker` in `0..<workers` concurrently, with OpenBLAS set to one
    /// thread meanwhile (restored when the last overlapping run ends). Rethrows the first
    /// worker's error.
    static func run(_ workers: Int, _ body: (Int) throws -> Void) throws {
        state.withLock { s in
            if s.active == 0 {
                s.saved = openblas_get_num_threads()
                openblas_set_num_threads(1)
            }
            s.active += 1
        }
        defer {
            state.withLock { s in
                s.active -= 1
                if s.active == 0 { openblas_set_num_threads(s.saved) }
            }
        }
        if workers <= 1 {
            try body(0)
            return
        }
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
