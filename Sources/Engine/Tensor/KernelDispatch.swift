import TensorKernels
import TensorKernelsAVX2
import TensorKernelsAVX512

/// Runs the compute-bound contiguous kernels in the best build this machine supports
/// (`CPUFeatures.level`): AVX-512, AVX2, or the baseline x86-64 code compiled into Engine. All
/// builds run the same `VectorLoops` source with the same IEEE operations (no fused
/// multiply-adds), so they give bit-identical results; only the vector width differs.
enum KernelDispatch {
    static func exp(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.exp(x, o, n)
        case .avx2: AVX2Kernels.exp(x, o, n)
        case .baseline: VectorLoops.exp(x, o, n)
        }
    }

    static func exp(_ x: UnsafePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ n: Int) {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.exp(x, o, n)
        case .avx2: AVX2Kernels.exp(x, o, n)
        case .baseline: VectorLoops.exp(x, o, n)
        }
    }

    static func sigmoid(_ x: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ n: Int) {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.sigmoid(x, o, n)
        case .avx2: AVX2Kernels.sigmoid(x, o, n)
        case .baseline: VectorLoops.sigmoid(x, o, n)
        }
    }

    static func sigmoid(_ x: UnsafePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ n: Int) {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.sigmoid(x, o, n)
        case .avx2: AVX2Kernels.sigmoid(x, o, n)
        case .baseline: VectorLoops.sigmoid(x, o, n)
        }
    }

    static func extreme(_ x: UnsafePointer<Float>, _ n: Int, smallest: Bool) -> Float {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.extreme(x, n, smallest: smallest)
        case .avx2: AVX2Kernels.extreme(x, n, smallest: smallest)
        case .baseline: VectorLoops.extreme(x, n, smallest: smallest)
        }
    }

    static func extreme(_ x: UnsafePointer<Double>, _ n: Int, smallest: Bool) -> Double {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.extreme(x, n, smallest: smallest)
        case .avx2: AVX2Kernels.extreme(x, n, smallest: smallest)
        case .baseline: VectorLoops.extreme(x, n, smallest: smallest)
        }
    }

    static func maxPool3x3Stride2(_ src: UnsafePointer<Float>, height: Int, width: Int, padH: Int, padW: Int, outHeight: Int, outWidth: Int,
                                  into dst: UnsafeMutablePointer<Float>, row: UnsafeMutablePointer<Float>) {
        switch CPUFeatures.level {
        case .avx512:
            AVX512Kernels.maxPool3x3Stride2(src, height: height, width: width, padH: padH, padW: padW, outHeight: outHeight, outWidth: outWidth, into: dst, row: row)
        case .avx2:
            AVX2Kernels.maxPool3x3Stride2(src, height: height, width: width, padH: padH, padW: padW, outHeight: outHeight, outWidth: outWidth, into: dst, row: row)
        case .baseline:
            VectorLoops.maxPool3x3Stride2(src, height: height, width: width, padH: padH, padW: padW, outHeight: outHeight, outWidth: outWidth, into: dst, row: row)
        }
    }

    static func maxPool2x2(_ src: UnsafePointer<Float>, width: Int, outHeight: Int, outWidth: Int, into dst: UnsafeMutablePointer<Float>) {
        switch CPUFeatures.level {
        case .avx512: AVX512Kernels.maxPool2x2(src, width: width, outHeight: outHeight, outWidth: outWidth, into: dst)
        case .avx2: AVX2Kernels.maxPool2x2(src, width: width, outHeight: outHeight, outWidth: outWidth, into: dst)
        case .baseline: VectorLoops.maxPool2x2(src, width: width, outHeight: outHeight, outWidth: outWidth, into: dst)
        }
    }
}
