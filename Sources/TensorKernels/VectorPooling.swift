/// The max-pooling planes of the common windows, for `MaxPool2d`: 3×3 windows with stride 2
/// (the ConvNet's pooling) and 2×2 windows with stride 2 (VGG's). Each module compiles them
/// with its own vector width (Engine's baseline is SSE2, where these loops' compares and blends
/// took a quarter of a compressed ConvNet's inference); every build takes the same maxima, so
/// the results are identical.
///
/// The maximum propagates NaN (as PyTorch's): ``nanMax(_:_:)``.
extension VectorLoops {
    /// The larger of `a` and `b`, NaN if either is.
    @inlinable @inline(__always)
    public static func nanMax(_ a: Float, _ b: Float) -> Float { a != a ? a : (b > a || b != b ? b : a) }

    /// ``nanMax(_:_:)`` lane by lane: `b` where it is larger or NaN and `a` is not NaN, else `a`.
    /// (A concrete vector type: Swift's generic SIMD operations do not compile to vector code.
    /// Eight lanes: with AVX2, the masks of 16-lane compares were packed and unpacked between
    /// the two halves, which took most of the pooling's time.)
    @inlinable @inline(__always)
    public static func nanMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: (b .> a .| b .!= b) .& (a .== a))
    }

    /// One plane of 3×3 max pooling with stride 2 and padding `padH`, `padW` ≤ 1 (padding
    /// never wins), separably: the maximum of each window's (up to) three rows into `row`
    /// (`width + 2·padW + 32` floats of scratch, padded with −∞ on both sides), then of three
    /// neighbouring columns, 8 outputs at a time from even/odd lanes. Row ends that are not a
    /// whole vector are covered by one more vector ending at the row's end (the maximum is
    /// idempotent, so the overlap is harmless), not by a scalar loop, and rows of fewer than 8
    /// outputs by one vector too: the ConvNet's planes are 28 and 14 wide (14 and 7 outputs).
    @inlinable @inline(__always)
    public static func maxPool3x3Stride2(_ src: UnsafePointer<Float>, height: Int, width w: Int, padH: Int, padW pad: Int,
                                         outHeight: Int, outWidth: Int, into dst: UnsafeMutablePointer<Float>,
                                         row: UnsafeMutablePointer<Float>) {
        // row[pad + j] = column j's maximum; row[0..<pad] and everything after the image: −∞.
        row.update(repeating: -.infinity, count: w + 2 * pad + 32)
        let column = row + pad
        for oh in 0..<outHeight {
            let h0 = oh * 2 - padH
            let hs = max(0, h0), he = min(height, h0 + 3)
            column.update(from: src + hs * w, count: w)
            for ih in (hs + 1)..<max(hs + 1, he) { maximize(column, with: src + ih * w, count: w) }
            // Output ow covers row[2·ow], row[2·ow + 1], row[2·ow + 2] (the padded indices).
            let out = dst + oh * outWidth
            if outWidth >= 8 {
                var ow = 0
                while true {
                    UnsafeMutableRawPointer(out + ow).storeBytes(of: windowMaxima(row + 2 * ow), as: SIMD8<Float>.self)
                    if ow + 8 == outWidth { break }
                    ow = min(ow + 8, outWidth - 8)
                }
            } else {
                // One vector covers the row (the scratch's −∞ slack fills the lanes past it).
                // Its extra lanes may land in the next rows of this plane, which are written
                // after this one; never past the plane (another thread's, or the end).
                let m = windowMaxima(row)
                if oh * outWidth + 8 <= outHeight * outWidth {
                    UnsafeMutableRawPointer(out).storeBytes(of: m, as: SIMD8<Float>.self)
                } else {
                    for ow in 0..<outWidth { out[ow] = m[ow] }
                }
            }
        }
    }

    /// The maxima of 8 windows of three neighbouring columns with stride 2:
    /// `nanMax(c[2i], c[2i + 1], c[2i + 2])` for i < 8 (reads `c[0...16]`), from even/odd lanes.
    @inlinable @inline(__always)
    public static func windowMaxima(_ c: UnsafePointer<Float>) -> SIMD8<Float> {
        let u = UnsafeRawPointer(c).loadUnaligned(as: SIMD16<Float>.self)
        let v = UnsafeRawPointer(c + 1).loadUnaligned(as: SIMD16<Float>.self)
        return nanMax(nanMax(u.evenHalf, u.oddHalf), v.oddHalf)
    }

    /// `column[j] = nanMax(column[j], r[j])` for j < count, in whole vectors (the last one
    /// ending at `count`, overlapping its predecessor) when count ≥ 8.
    @inlinable @inline(__always)
    public static func maximize(_ column: UnsafeMutablePointer<Float>, with r: UnsafePointer<Float>, count w: Int) {
        @inline(__always) func step8(_ j: Int) {
            let a = UnsafeRawPointer(column + j).loadUnaligned(as: SIMD8<Float>.self), b = UnsafeRawPointer(r + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(column + j).storeBytes(of: nanMax(a, b), as: SIMD8<Float>.self)
        }
        if w >= 8 {
            var j = 0
            while j + 8 <= w { step8(j); j += 8 }
            if j < w { step8(w - 8) }
        } else {
            for j in 0..<w { column[j] = nanMax(column[j], r[j]) }
        }
    }

    /// One plane of 2×2 max pooling with stride 2 and no padding (VGG's): 16 columns of two
    /// rows at a time (two vectors of each), the vertical maximum then the maximum of
    /// neighbouring pairs.
    @inlinable @inline(__always)
    public static func maxPool2x2(_ src: UnsafePointer<Float>, width: Int, outHeight: Int, outWidth: Int,
                                  into dst: UnsafeMutablePointer<Float>) {
        for oh in 0..<outHeight {
            let r0 = src + 2 * oh * width, r1 = r0 + width
            let out = dst + oh * outWidth
            var ow = 0
            while ow + 8 <= outWidth {
                let a = UnsafeRawPointer(r0 + 2 * ow), b = UnsafeRawPointer(r1 + 2 * ow)
                let low = nanMax(a.loadUnaligned(as: SIMD8<Float>.self), b.loadUnaligned(as: SIMD8<Float>.self))
                let high = nanMax(a.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self), b.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
                let m = SIMD16(lowHalf: low, highHalf: high)
                UnsafeMutableRawPointer(out + ow).storeBytes(of: nanMax(m.evenHalf, m.oddHalf), as: SIMD8<Float>.self)
                ow += 8
            }
            while ow < outWidth {
                out[ow] = nanMax(nanMax(r0[2 * ow], r0[2 * ow + 1]), nanMax(r1[2 * ow], r1[2 * ow + 1]))
                ow += 1
            }
        }
    }
}
