#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How many threads each kind of parallel work uses: the one place that decides.
///
/// Engine has four parallel helpers and they all ask this policy:
///
/// | helper | work | threads |
/// |---|---|---|
/// | ``ParallelLoops`` | independent items, ranges of a flat loop | one per online core (``loopThreads``), below a size threshold one |
/// | `ParallelChunks` | large element-wise tensor kernels | one per core, at most 8, from 2¹⁷ elements (``elementwiseThreads(_:)``) |
/// | `BLASWorkers` | a batch split between single-threaded sgemm workers | the BLAS thread count the user chose (`sys.set_threads`, `OPENBLAS_NUM_THREADS`; ``blasWorkers(blasThreads:)``) |
/// | `Parallel` | two independent file decodings | always two tasks (``pairedTasks``) |
///
/// Splits never change a number: element-wise work gives the same result however it is cut,
/// reductions keep a fixed summation order, and BLAS workers add partial sums in worker order
/// (so results are bit-identical at a given BLAS thread count). A policy is a value: tests
/// build one for any core count and check its decisions; Engine uses ``machine``.
public struct ThreadPolicy: Sendable, Equatable {
    /// Online cores (at least 1).
    public let cores: Int

    /// A policy for a machine with `cores` online cores (at least 1 is assumed).
    public init(cores: Int) {
        self.cores = max(1, cores)
    }

    /// This machine's policy (its online cores, read once).
    public static let machine = ThreadPolicy(cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    // MARK: loops over independent items (ParallelLoops)

    /// Worker threads of a data-parallel loop: one per core.
    public var loopThreads: Int { cores }

    /// Whether a loop over `count` items runs concurrently (`ParallelLoops.forEach`): from
    /// `minimumCount` items on, on a machine with more than one core.
    public func loopRunsConcurrently(_ count: Int, minimumCount: Int) -> Bool {
        count >= minimumCount && loopThreads > 1
    }

    /// Parts a loop of `count` items with per-part scratch is cut into
    /// (`ParallelLoops.forParts`): one below `minimumCount`, else one per thread but no more
    /// than items.
    public func loopParts(_ count: Int, minimumCount: Int) -> Int {
        count < minimumCount ? 1 : min(loopThreads, count)
    }

    /// Contiguous ranges a flat loop of `count` items is cut into (`ParallelLoops.forRanges`;
    /// empty ones are skipped): one below `minimumCount`, else one per thread.
    public func loopRanges(_ count: Int, minimumCount: Int) -> Int {
        count < minimumCount ? 1 : loopThreads
    }

    // MARK: element-wise tensor kernels (ParallelChunks)

    /// Smallest element count worth splitting: below it starting threads costs more than it saves.
    public static let elementwiseMinimum = 1 << 17

    /// Most threads an element-wise kernel uses (memory bandwidth, not arithmetic, limits it).
    public static let elementwiseMaximumThreads = 8

    /// Chunks an element-wise kernel over `count` elements is cut into.
    public func elementwiseThreads(_ count: Int) -> Int {
        count >= Self.elementwiseMinimum ? min(cores, Self.elementwiseMaximumThreads) : 1
    }

    // MARK: BLAS workers (BLASWorkers)

    /// Workers a layer splits its batch between: the BLAS thread count the user chose
    /// (`blasThreads`, as OpenBLAS reports it outside worker runs), at least one. Independent of
    /// the core count, as `sys.set_threads` promises.
    public func blasWorkers(blasThreads: Int) -> Int {
        max(1, blasThreads)
    }

    // MARK: paired tasks (Parallel)

    /// Tasks `Parallel.both` runs at once (e.g. a dataset's train and test files): always two,
    /// whatever the core count.
    public static let pairedTasks = 2
}
