/// The copies around the sparse convolution kernels, as inline loops: the planes these
/// routes handle have rows of 2 to 32 floats, where a call per row (`memcpy`, the vector
/// helpers' scalar tails) cost the flat route on 8×8 planes 30% of its time.
enum SparsePlaneCopies {
    /// Copies `planes` planes of `height × width` (contiguous) into the interior of padded
    /// planes (`planeStride` apart, row pitch `pitch`, interior at row `padTop`, column
    /// `padLeft`). The borders are not written: zero them once for the whole buffer.
    @inline(__always)
    static func interior(_ src: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                         into out: UnsafeMutablePointer<Float>, planeStride: Int, pitch: Int, padTop: Int, padLeft: Int) {
        for c in 0..<planes {
            let from = src + c * height * width
            let to = out + c * planeStride + padTop * pitch + padLeft
            for h in 0..<height {
                let s = from + h * width, d = to + h * pitch
                for j in 0..<width { d[j] = s[j] }
            }
        }
    }

    /// `out[i][j] = f(flat[(i·pitch + j)·stride] (+ addend[i][j]))` for the `rows × cols`
    /// outputs of one plane, f the identity or ReLU (`x > 0 ? x : 0`, as ``VectorOps/relu``);
    /// `stride` 1 for one sample's flat plane, 16 for one sample of the batch-innermost layout.
    @inline(__always)
    static func outputs(_ flat: UnsafePointer<Float>, pitch: Int, stride: Int = 1, rows: Int, cols: Int,
                        into out: UnsafeMutablePointer<Float>, adding addend: UnsafePointer<Float>?, rectified: Bool) {
        for i in 0..<rows {
            let s = flat + i * pitch * stride, d = out + i * cols
            if let addend {
                let a = addend + i * cols
                if rectified {
                    for j in 0..<cols { let v = s[j * stride] + a[j]; d[j] = v > 0 ? v : 0 }
                } else {
                    for j in 0..<cols { d[j] = s[j * stride] + a[j] }
                }
            } else if rectified {
                for j in 0..<cols { let v = s[j * stride]; d[j] = v > 0 ? v : 0 }
            } else {
                for j in 0..<cols { d[j] = s[j * stride] }
            }
        }
    }
}
