/// The seeded generator behind every random choice in prunelab (tensor.rand/randn, weight
/// initialisation, shuffling, augmentation, random masks).
///
/// Algorithm: xoshiro256** (Blackman & Vigna, 2018) whose 256-bit state is filled from the
/// 64-bit seed by SplitMix64, as its authors recommend. Uniform floats take the top 24 (Float)
/// or 53 (Double) bits of a draw, giving values in [0, 1). Normal draws use the Box–Muller
/// transform on two uniforms, producing two normals per pair (the second is cached).
/// The same seed gives the same sequence on every machine and run.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var cachedNormal: Double?

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitmix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    /// Next 64 random bits (xoshiro256**).
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Standard normal (Box–Muller).
    public mutating func nextNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = 1.0 - nextDouble()  // (0, 1]: log is finite
        let u2 = nextDouble()
        let radius = (-2.0 * _log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        cachedNormal = radius * _sin(angle)
        return radius * _cos(angle)
    }

    /// Uniform integer in `0..<bound` without modulo bias (Lemire's method); 0 when bound ≤ 1.
    public mutating func nextInt(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next(upperBound: UInt64(bound)))
    }

    /// Fisher–Yates shuffle of `0..<n`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
        }
        return p
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
