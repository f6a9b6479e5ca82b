/// Elementwise math written so that the optimiser vectorises it, shared by Engine (compiled for
/// the baseline x86-64 instruction set) and TensorKernelsAVX2 (the same code compiled for AVX2):
/// every function is `@inlinable`, so each client compiles it with its own target features.

/// e^x without branches or float-to-integer conversions, so that loops calling it vectorise.
///
/// Cody–Waite range reduction x = n·ln2 + r with |r| ≤ ln2/2 (n found by adding the
/// 1.5·2^p "magic" constant, whose bit pattern then holds n), a polynomial (Float: the Cephes
/// `expf` minimax polynomial of degree 7) or Padé form (Double: Cephes `exp`,
/// e^r = 1 + 2r·P(r²)/(Q(r²) − r·P(r²))) for e^r, and a scale by 2^n built from exponent bits
/// in two halves, so the result overflows to +inf and underflows gradually through the
/// subnormals like the C library's. Accuracy: within 2 ulp of the C library (checked by the
/// tests over the whole finite range). NaN gives NaN.
public enum VectorExp {
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        // Beyond these the result is +inf or 0 anyway; clamping keeps n's halves in range.
        let lo: Float = -104, hi: Float = 89
        let xc = x < lo ? lo : (x > hi ? hi : x)
        let xs = xc != xc ? 0 : xc  // NaN: compute on 0, patch at the end
        let magic: Float = 12_582_912  // 1.5 · 2^23
        let t = xs * 1.442_695_04 + magic
        let n = Int32(bitPattern: t.bitPattern &- magic.bitPattern)
        let nf = t - magic
        let r = (xs - nf * 0.693_359_375) - nf * -2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * (r * r) + r + 1
        let n1 = n >> 1, n2 = n &- n1
        let s1 = Float(bitPattern: UInt32(bitPattern: (n1 &+ 127) << 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (n2 &+ 127) << 23))
        let result = (y * s1) * s2
        return x != x ? x : result
    }

    @inlinable @inline(__always)
    public static func exp(_ x: Double) -> Double {
        let lo: Double = -746, hi: Double = 710
        let xc = x < lo ? lo : (x > hi ? hi : x)
        let xs = xc != xc ? 0 : xc
        let magic: Double = 6_755_399_441_055_744  // 1.5 · 2^52
        let t = xs * 1.442_695_040_888_963_4 + magic
        let n = Int64(bitPattern: t.bitPattern &- magic.bitPattern)
        let nf = t - magic
        let r = (xs - nf * 6.931_457_519_531_25e-1) - nf * 1.428_606_820_309_417_232_12e-6
        let rr = r * r
        let p = r * ((1.261_771_930_748_105_908_78e-4 * rr + 3.029_944_077_074_419_613e-2) * rr + 9.999_999_999_999_999_999_1e-1)
        let q = ((3.001_985_051_386_644_550_42e-6 * rr + 2.524_483_403_496_841_041_92e-3) * rr + 2.272_655_482_081_550_287_66e-1) * rr + 2.000_000_000_000_000_000_09
        let y = 1 + 2 * (p / (q - p))
        // n/2 by the same magic rounding: SSE2 and AVX2 have no 64-bit arithmetic shift.
        let t1 = nf * 0.5 + magic
        let n1 = Int64(bitPattern: t1.bitPattern &- magic.bitPattern), n2 = n &- n1
        let s1 = Double(bitPattern: UInt64(bitPattern: (n1 &+ 1023) << 52))
        let s2 = Double(bitPattern: UInt64(bitPattern: (n2 &+ 1023) << 52))
        let result = (y * s1) * s2
        return x != x ? x : result
    }
}

/// Contiguous loops over the vectorised functions: the bodies both kernel modules compile.
///
/// Every function here is `@inline(__always)` as well as `@inlinable`: it must be inlined into
/// its caller, never called as an out-of-line generic specialisation. Such specialisations
/// have the same symbol name in every module, and the linker keeps only one of them, so an
/// AVX2 build could silently run the baseline code, or worse, the baseline caller could run
/// AVX2 instructions on a processor without them.
public enum VectorLoops {
    @inlinable @inline(__always)
    public static func exp<T: VectorExpScalar>(_ x: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { o[i] = T.vectorExp(x[i]) }
    }

    /// 1 / (1 + e^−x).
    @inlinable @inline(__always)
    public static func sigmoid<T: VectorExpScalar>(_ x: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { o[i] = 1 / (1 + T.vectorExp(-x[i])) }
    }
}

/// Float and Double, with their ``VectorExp``.
public protocol VectorExpScalar: BinaryFloatingPoint {
    static func vectorExp(_ x: Self) -> Self
}

extension Float: VectorExpScalar {
    @inlinable @inline(__always) public static func vectorExp(_ x: Float) -> Float { VectorExp.exp(x) }
}

extension Double: VectorExpScalar {
    @inlinable @inline(__always) public static func vectorExp(_ x: Double) -> Double { VectorExp.exp(x) }
}
