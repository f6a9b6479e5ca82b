/// The loop drivers behind every elementwise operation: they walk strided operands one inner
/// run at a time (see ``StridedLoop``) and hand contiguous runs to a tight loop over unsafe
/// pointers, which the optimiser vectorises once the kernel is specialised and inlined.

/// A function of one element (exp, abs, clamp …).
protocol UnaryKernel {
    associatedtype Scalar: KernelScalar
    func callAsFunction(_ x: Scalar) -> Scalar
    /// Runs the kernel over a contiguous run with a faster implementation if it has one for this
    /// machine (see ``CPUFeatures``); false when the caller should run its own loop.
    func runFast(_ x: UnsafePointer<Scalar>, _ o: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool
}

extension UnaryKernel {
    @inline(__always)
    func runFast(_ x: UnsafePointer<Scalar>, _ o: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool { false }
}

/// A function of two elements (add, maximum, less-than …).
protocol BinaryKernel {
    associatedtype Scalar: KernelScalar
    func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar
}

enum ElementwiseLoops {
    /// `output[i] = kernel(input[i])` for equally shaped tensors of type `K.Scalar`.
    static func map<K: UnaryKernel>(_ kernel: K, _ input: Tensor, into output: Tensor) {
        let x = input.mutablePointer(as: K.Scalar.self)
        let o = output.mutablePointer(as: K.Scalar.self)
        if input.isContiguous && output.isContiguous && input.shape == output.shape {
            ParallelChunks.run(output.count) { start, n in contiguousMap(kernel, x + start, o + start, n) }
            return
        }
        StridedLoop(shape: output.shape, strides: [output.strides, input.strides]).forEachRun { offsets, n, inner in
            let po = o + offsets[0], px = x + offsets[1]
            let so = inner[0], sx = inner[1]
            if so == 1 && sx == 1 {
                contiguousMap(kernel, px, po, n)
            } else {
                for i in 0..<n { po[i * so] = kernel(px[i * sx]) }
            }
        }
    }

    @inline(__always)
    private static func contiguousMap<K: UnaryKernel>(_ kernel: K, _ x: UnsafeMutablePointer<K.Scalar>, _ o: UnsafeMutablePointer<K.Scalar>, _ n: Int) {
        if kernel.runFast(x, o, n) { return }
        if x == o {
            for i in 0..<n { o[i] = kernel(o[i]) }
        } else {
            for i in 0..<n { o[i] = kernel(x[i]) }
        }
    }

    /// `output[i] = kernel(a[i], b[i])` where `a` and `b` are already broadcast (expanded) to
    /// the output's shape and have the kernel's element type.
    static func zip<K: BinaryKernel>(_ kernel: K, _ a: Tensor, _ b: Tensor, into output: Tensor) {
        let pa = a.mutablePointer(as: K.Scalar.self)
        let pb = b.mutablePointer(as: K.Scalar.self)
        let o = output.mutablePointer(as: K.Scalar.self)
        if output.isContiguous && output.count >= ParallelChunks.minimumElements {
            let aFull = a.isContiguous && a.shape == output.shape, bFull = b.isContiguous && b.shape == output.shape
            let aScalar = a.strides.allSatisfy { $0 == 0 }, bScalar = b.strides.allSatisfy { $0 == 0 }
            if aFull && bFull {
                ParallelChunks.run(output.count) { start, n in contiguousZip(kernel, pa + start, pb + start, o + start, n) }
                return
            }
            if aFull && bScalar {
                let c = pb[0]
                ParallelChunks.run(output.count) { start, n in
                    let x = pa + start, po = o + start
                    for i in 0..<n { po[i] = kernel(x[i], c) }
                }
                return
            }
            if aScalar && bFull {
                let c = pa[0]
                ParallelChunks.run(output.count) { start, n in
                    let y = pb + start, po = o + start
                    for i in 0..<n { po[i] = kernel(c, y[i]) }
                }
                return
            }
        }
        StridedLoop(shape: output.shape, strides: [output.strides, a.strides, b.strides]).forEachRun { offsets, n, inner in
            let po = o + offsets[0], x = pa + offsets[1], y = pb + offsets[2]
            let so = inner[0], sx = inner[1], sy = inner[2]
            if so == 1 && sx == 1 && sy == 1 {
                contiguousZip(kernel, x, y, po, n)
            } else if so == 1 && sx == 1 && sy == 0 {
                let c = y[0]
                for i in 0..<n { po[i] = kernel(x[i], c) }
            } else if so == 1 && sx == 0 && sy == 1 {
                let c = x[0]
                for i in 0..<n { po[i] = kernel(c, y[i]) }
            } else {
                for i in 0..<n { po[i * so] = kernel(x[i * sx], y[i * sy]) }
            }
        }
    }

    @inline(__always)
    private static func contiguousZip<K: BinaryKernel>(_ kernel: K, _ x: UnsafeMutablePointer<K.Scalar>, _ y: UnsafeMutablePointer<K.Scalar>, _ o: UnsafeMutablePointer<K.Scalar>, _ n: Int) {
        for i in 0..<n { o[i] = kernel(x[i], y[i]) }
    }
}
