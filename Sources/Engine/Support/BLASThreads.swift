import CBLAS

/// The number of threads OpenBLAS uses for matrix products (its default is one per core, or
/// `OPENBLAS_NUM_THREADS`).
public enum BLASThreads {
    /// The current thread count.
    public static var count: Int { Int(openblas_get_num_threads()) }

    /// Sets the thread count (1 … 1024).
    public static func set(_ n: Int) throws {
        guard (1...1024).contains(n) else {
            throw EngineError.invalid("thread count", expected: "1 to 1024", given: "\(n)")
        }
        openblas_set_num_threads(Int32(n))
    }
}
