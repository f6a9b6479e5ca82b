import TensorKernels

/// The loops of ``VectorLoops`` compiled for AVX2 (this module is built with `-mavx2`, which
/// the Swift compiler applies to its own code generation): 8 floats or 4 doubles per
/// instruction instead of SSE2's 4 or 2. Call only when ``CPUFeatures`` reports AVX2; Engine's
/// dispatch does.
public enum AVX2Kernels {
    /// `o[i] = e^x[i]` for `i < n` (`VectorExp`).
    public static func exp(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) { VectorLoops.exp(x, o, n) }
    public static func exp(_ x: UnsafePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ n: Int) { VectorLoops.exp(x, o, n) }
    /// `o[i] = 1 / (1 + e^−x[i])` for `i < n`.
    public static func sigmoid(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) { VectorLoops.sigmoid(x, o, n) }
    public static func sigmoid(_ x: UnsafePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ n: Int) { VectorLoops.sigmoid(x, o, n) }
    /// The largest (or smallest) of `x[0..<n]`, n ≥ 1; NaN if any is NaN (`VectorLoops.extreme`).
    public static func extreme(_ x: UnsafePointer<Float>, _ n: Int, smallest: Bool) -> Float { VectorLoops.extreme(x, n, smallest: smallest) }
    public static func extreme(_ x: UnsafePointer<Double>, _ n: Int, smallest: Bool) -> Double { VectorLoops.extreme(x, n, smallest: smallest) }
    /// One plane of 3×3, stride-2 max pooling (`VectorLoops.maxPool3x3Stride2`).
    public static func maxPool3x3Stride2(_ src: UnsafePointer<Float>, height: Int, width: Int, padH: Int, padW: Int, outHeight: Int, outWidth: Int,
                                         into dst: UnsafeMutablePointer<Float>, row: UnsafeMutablePointer<Float>) {
        VectorLoops.maxPool3x3Stride2(src, height: height, width: width, padH: padH, padW: padW, outHeight: outHeight, outWidth: outWidth, into: dst, row: row)
    }
    /// One plane of 2×2, stride-2 max pooling (`VectorLoops.maxPool2x2`).
    public static func maxPool2x2(_ src: UnsafePointer<Float>, width: Int, outHeight: Int, outWidth: Int, into dst: UnsafeMutablePointer<Float>) {
        VectorLoops.maxPool2x2(src, width: width, outHeight: outHeight, outWidth: outWidth, into: dst)
    }
}
