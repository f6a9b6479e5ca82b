#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A monotonic clock for timing (never jumps with wall-clock changes).
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point (`CLOCK_MONOTONIC`), with nanosecond resolution.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
