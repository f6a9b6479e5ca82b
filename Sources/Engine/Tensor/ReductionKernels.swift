/// Tight kernels for reductions over contiguous runs, written with SIMD accumulators so that
/// they run at memory speed.
///
/// Sums are accurate: float32 elements are widened and summed in 32 Float64 lanes, float64 ones
/// in 16 lanes, in blocks of 1024 and 512 elements whose sums are added with Neumaier's
/// compensated summation, so the error does not grow with n.
enum ReductionKernels {
    /// Neumaier's compensated running sum (Kahan–Babuška).
    struct CompensatedSum {
        var sum = 0.0
        var compensation = 0.0

        @inline(__always)
        mutating func add(_ x: Double) {
            let t = sum + x
            if sum.magnitude >= x.magnitude {
                compensation += (sum - t) + x
            } else {
                compensation += (x - t) + sum
            }
            sum = t
        }

        var value: Double { sum + compensation }
    }

    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = CompensatedSum()
        var i = 0
        let raw = UnsafeRawPointer(p)
        while n - i >= 32 {
            var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
            let stop = i + min(1024, (n - i) & ~31)
            while i < stop {
                let q = raw + i * 4
                a0 += SIMD8<Double>(q.loadUnaligned(as: SIMD8<Float>.self))
                a1 += SIMD8<Double>(q.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
                a2 += SIMD8<Double>(q.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self))
                a3 += SIMD8<Double>(q.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
                i += 32
            }
            total.add(((a0 + a1) + (a2 + a3)).sum())
        }
        var tail = 0.0
        while i < n { tail += Double(p[i]); i += 1 }
        total.add(tail)
        return total.value
    }

    static func sum(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        var total = CompensatedSum()
        var i = 0
        let raw = UnsafeRawPointer(p)
        while n - i >= 16 {
            var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
            let stop = i + min(512, (n - i) & ~15)
            while i < stop {
                let q = raw + i * 8
                a0 += q.loadUnaligned(as: SIMD4<Double>.self)
                a1 += q.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
                a2 += q.loadUnaligned(fromByteOffset: 64, as: SIMD4<Double>.self)
                a3 += q.loadUnaligned(fromByteOffset: 96, as: SIMD4<Double>.self)
                i += 16
            }
            total.add(((a0 + a1) + (a2 + a3)).sum())
        }
        var tail = 0.0
        while i < n { tail += p[i]; i += 1 }
        total.add(tail)
        return total.value
    }

    /// Σ (x − mean)² over a contiguous run, accumulated in Float64.
    static func squaredDeviations<T: KernelScalar>(_ p: UnsafePointer<T>, _ n: Int, mean: Double) -> Double {
        var total = CompensatedSum()
        var i = 0
        while n - i >= 8 {
            var a0 = SIMD4<Double>(), a1 = SIMD4<Double>()
            let stop = i + min(512, (n - i) & ~7)
            let m = SIMD4<Double>(repeating: mean)
            while i < stop {
                let d0 = SIMD4<Double>(Double(p[i]), Double(p[i + 1]), Double(p[i + 2]), Double(p[i + 3])) - m
                let d1 = SIMD4<Double>(Double(p[i + 4]), Double(p[i + 5]), Double(p[i + 6]), Double(p[i + 7])) - m
                a0 += d0 * d0
                a1 += d1 * d1
                i += 8
            }
            total.add((a0 + a1).sum())
        }
        var tail = 0.0
        while i < n { let d = Double(p[i]) - mean; tail += d * d; i += 1 }
        total.add(tail)
        return total.value
    }

    /// The largest (or, with `smallest`, the smallest) element of a non-empty contiguous run;
    /// NaN if any element is NaN (`VectorLoops.extreme` in the machine's best build).
    @inline(__always)
    static func extreme<T: KernelScalar>(_ p: UnsafePointer<T>, _ n: Int, smallest: Bool) -> T {
        if T.self == Float.self {
            return T(KernelDispatch.extreme(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, smallest: smallest))
        }
        return T(KernelDispatch.extreme(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n, smallest: smallest))
    }
}
