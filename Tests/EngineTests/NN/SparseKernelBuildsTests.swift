import Testing
import ConvKernelsAVX2
import ConvKernelsAVX512
@testable import Engine

/// The sparse × dense kernels of compressed layers (``CSRWeights``): the AVX2 build, the
/// AVX-512 build and the plain-Swift fallback sum in the same order (one fused multiply-add per
/// nonzero, in column order), so they agree bit for bit; all match a double-precision reference;
/// empty rows give zeros. Widths cover every vector block and tail.
@Suite struct SparseKernelBuildsTests {
    /// A rows × columns weight with about `density` nonzeros, rows 1 and the last empty.
    static func weight(rows: Int, columns: Int, density: Float, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let values: [Float] = (0..<(rows * columns)).map { i in
            let r = i / columns
            if r == 1 || r == rows - 1 { return 0 }
            return rng.nextFloat() < density ? rng.nextFloat() * 2 - 1 : 0
        }
        return try Tensor(shape: [rows, columns], values: values)
    }

    @Test(arguments: [1, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 100])
    func buildsAgreeAndMatchTheReference(width: Int) throws {
        let rows = 6, columns = 37
        let w = try Self.weight(rows: rows, columns: columns, density: 0.3, seed: UInt64(width))
        let csr = try #require(CSRWeights(weight: w))
        var rng = RandomGenerator(seed: 99)
        let stride = width + 3
        let source: [Float] = (0..<(columns * stride)).map { _ in rng.nextFloat() * 2 - 1 }
        var avx2 = [Float](repeating: .nan, count: rows * width), avx512 = avx2, plain = avx2
        source.withUnsafeBufferPointer { s in
            avx2.withUnsafeMutableBufferPointer { d in
                SparseRowKernel.multiply(rowStart: csr.rowStart, columns: csr.columnIndex, values: csr.values, rows: 0..<rows,
                                         source: s.baseAddress!, sourceStride: stride, width: width, destination: d.baseAddress!, destinationStride: width)
            }
            if CPUFeatures.flags.contains("avx512f") {
                avx512.withUnsafeMutableBufferPointer { d in
                    SparseRowKernel512.multiply(rowStart: csr.rowStart, columns: csr.columnIndex, values: csr.values, rows: 0..<rows,
                                                source: s.baseAddress!, sourceStride: stride, width: width, destination: d.baseAddress!, destinationStride: width)
                }
            }
            // The plain-Swift fallback, as CSRWeights.multiply runs it without AVX2.
            plain.withUnsafeMutableBufferPointer { d in
                for r in 0..<rows {
                    for j in 0..<width { d[r * width + j] = 0 }
                    for k in Int(csr.rowStart[r])..<Int(csr.rowStart[r + 1]) {
                        for j in 0..<width { d[r * width + j] = d[r * width + j].addingProduct(csr.values[k], s[Int(csr.columnIndex[k]) * stride + j]) }
                    }
                }
            }
        }
        let wv = w.scalars(as: Float.self)
        for r in 0..<rows {
            for j in 0..<width {
                var reference = 0.0, magnitude = 0.0
                for c in 0..<columns {
                    reference += Double(wv[r * columns + c]) * Double(source[c * stride + j])
                    magnitude += abs(Double(wv[r * columns + c]) * Double(source[c * stride + j]))
                }
                let got = avx2[r * width + j]
                #expect(abs(Double(got) - reference) <= 1e-6 * max(magnitude, 1e-30) + 1e-30, "row \(r), column \(j)")
                #expect(got.bitPattern == plain[r * width + j].bitPattern, "AVX2 and plain Swift: row \(r), column \(j)")
                if CPUFeatures.flags.contains("avx512f") {
                    #expect(got.bitPattern == avx512[r * width + j].bitPattern, "AVX2 and AVX-512: row \(r), column \(j)")
                }
                if r == 1 || r == rows - 1 { #expect(got == 0, "an empty row gives zeros") }
            }
        }
        #expect(csr.rowStart[1] == csr.rowStart[2], "row 1 is empty")
    }

    @Test func csrHoldsTheNonzerosInRowMajorOrder() throws {
        let w = try Tensor(shape: [2, 2, 1, 2], values: [Float](arrayLiteral: 0, 1.5, 0, -2, 0, 0, 0, 0))
        let csr = try #require(CSRWeights(weight: w))
        #expect(csr.rows == 2 && csr.columns == 4 && csr.nonzeros == 2)
        #expect(Array(UnsafeBufferPointer(start: csr.rowStart, count: 3)) == [0, 2, 2])
        #expect(Array(UnsafeBufferPointer(start: csr.columnIndex, count: 2)) == [1, 3])
        #expect(Array(UnsafeBufferPointer(start: csr.values, count: 2)) == [1.5, -2])
        #expect(csr.density == 0.25)
    }

    /// The flat-plane convolution kernel (``SparseFlatKernel``): builds agree bit for bit and
    /// match a double-precision reference, for lengths covering every block and tail.
    @Test(arguments: [8, 16, 24, 40, 64, 72, 96, 104, 184, 192, 200, 264, 392])
    func flatBuildsAgreeAndMatchTheReference(length: Int) throws {
        let rows = 5, inputs = 3, kh = 3, kw = 2, taps = kh * kw, pitch = 11
        let w = try Self.weight(rows: rows, columns: inputs * taps, density: 0.4, seed: UInt64(length))
        let csr = try #require(CSRWeights(weight: w))
        let rounded = (length + 15) / 16 * 16
        // Room for every load: the last plane's farthest tap plus a whole vector past `length`.
        let planeStride = rounded + (kh - 1) * pitch + kw
        let offsets = try #require(csr.flatOffsets(taps: taps, kernelW: kw, planeStride: planeStride, pitch: pitch))
        var rng = RandomGenerator(seed: 5)
        let x: [Float] = (0..<(inputs * planeStride)).map { _ in rng.nextFloat() * 2 - 1 }
        let scale: Float = 1.5, shift: Float = -0.25
        var avx2 = [Float](repeating: .nan, count: rows * rounded), avx512 = avx2, plain = avx2
        x.withUnsafeBufferPointer { xs in
            offsets.withUnsafeBufferPointer { off in
                for r in 0..<rows {
                    avx2.withUnsafeMutableBufferPointer { y in
                        SparseFlatKernel.row(r, rowStart: csr.rowStart, offsets: off.baseAddress!, values: csr.values, x: xs.baseAddress!,
                                             length: length, scale: scale, shift: shift, y: y.baseAddress! + r * rounded)
                    }
                    if CPUFeatures.flags.contains("avx512f") {
                        avx512.withUnsafeMutableBufferPointer { y in
                            SparseFlatKernel512.row(r, rowStart: csr.rowStart, offsets: off.baseAddress!, values: csr.values, x: xs.baseAddress!,
                                                    length: length, scale: scale, shift: shift, y: y.baseAddress! + r * rounded)
                        }
                    }
                    // The plain-Swift fallback, as CSRWeights.flatRow runs it without AVX2.
                    for p in 0..<length {
                        var a: Float = 0
                        for k in Int(csr.rowStart[r])..<Int(csr.rowStart[r + 1]) { a = a.addingProduct(csr.values[k], xs[Int(off[k]) + p]) }
                        plain[r * rounded + p] = a * scale + shift
                    }
                }
            }
        }
        let wv = w.scalars(as: Float.self)
        for r in 0..<rows {
            for p in 0..<length {
                var reference = 0.0, magnitude = 0.0
                for c in 0..<(inputs * taps) {
                    let (i, t) = c.quotientAndRemainder(dividingBy: taps)
                    let term = Double(wv[r * inputs * taps + c]) * Double(x[i * planeStride + (t / kw) * pitch + t % kw + p])
                    reference += term
                    magnitude += abs(term)
                }
                reference = reference * Double(scale) + Double(shift)
                let got = avx2[r * rounded + p]
                #expect(abs(Double(got) - reference) <= 1e-6 * max(magnitude * Double(scale), 1), "row \(r), position \(p)")
                #expect(got.bitPattern == plain[r * rounded + p].bitPattern, "AVX2 and plain Swift: row \(r), position \(p)")
                if CPUFeatures.flags.contains("avx512f") {
                    #expect(got.bitPattern == avx512[r * rounded + p].bitPattern, "AVX2 and AVX-512: row \(r), position \(p)")
                }
                if r == 1 || r == rows - 1 { #expect(got == shift, "an empty row gives the shift alone") }
            }
        }
    }

    /// A row cut into runs of its nonzeros (``CSRWeights/columnBlockStarts(blockColumns:)``,
    /// as the batched route's channel blocks cut it) gives the whole row's outputs bit for bit,
    /// on every build; empty runs and a single run included.
    @Test(arguments: [16, 96, 192, 352])
    func flatSpansGiveTheWholeRowBitForBit(length: Int) throws {
        let rows = 5, inputs = 7, kh = 3, kw = 3, taps = kh * kw, pitch = 6
        let w = try Self.weight(rows: rows, columns: inputs * taps, density: 0.3, seed: UInt64(length) + 7)
        let csr = try #require(CSRWeights(weight: w))
        let rounded = (length + 15) / 16 * 16
        let planeStride = rounded + (kh - 1) * pitch + kw
        let offsets = try #require(csr.flatOffsets(taps: taps, kernelW: kw, planeStride: planeStride, pitch: pitch))
        var rng = RandomGenerator(seed: 11)
        let x: [Float] = (0..<(inputs * planeStride)).map { _ in rng.nextFloat() * 2 - 1 }
        for blockInputs in [1, 2, 3, 7] {
            let blocks = (inputs + blockInputs - 1) / blockInputs
            let starts = csr.columnBlockStarts(blockColumns: blockInputs * taps)
            #expect(starts.count == rows * (blocks + 1))
            for r in 0..<rows {
                #expect(Int(starts[r * (blocks + 1)]) == Int(csr.rowStart[r]) && Int(starts[r * (blocks + 1) + blocks]) == Int(csr.rowStart[r + 1]))
                for b in 0..<blocks {
                    for k in Int(starts[r * (blocks + 1) + b])..<Int(starts[r * (blocks + 1) + b + 1]) {
                        #expect(Int(csr.columnIndex[k]) / (blockInputs * taps) == b, "row \(r): nonzero \(k) in block \(b)")
                    }
                }
            }
            let builds: [(String, Bool)] = [("AVX2", CPUFeatures.hasAVX2FMA), ("AVX-512", CPUFeatures.flags.contains("avx512f"))]
            for (build, available) in builds where available {
                x.withUnsafeBufferPointer { xs in
                    offsets.withUnsafeBufferPointer { off in
                        for r in 0..<rows {
                            var whole = [Float](repeating: .nan, count: rounded), cut = whole
                            let run = { (nonzeros: Range<Int>, partial: Bool, finish: Bool, y: UnsafeMutablePointer<Float>) in
                                if build == "AVX2" {
                                    SparseFlatKernel.span(nonzeros, offsets: off.baseAddress!, values: csr.values, x: xs.baseAddress!, length: length,
                                                          partial: partial, finish: finish, scale: 0.75, shift: 0.5, y: y)
                                } else {
                                    SparseFlatKernel512.span(nonzeros, offsets: off.baseAddress!, values: csr.values, x: xs.baseAddress!, length: length,
                                                             partial: partial, finish: finish, scale: 0.75, shift: 0.5, y: y)
                                }
                            }
                            whole.withUnsafeMutableBufferPointer { y in run(Int(csr.rowStart[r])..<Int(csr.rowStart[r + 1]), false, true, y.baseAddress!) }
                            cut.withUnsafeMutableBufferPointer { y in
                                for b in 0..<blocks {
                                    let at = r * (blocks + 1) + b
                                    run(Int(starts[at])..<Int(starts[at + 1]), b > 0, b == blocks - 1, y.baseAddress!)
                                }
                            }
                            for p in 0..<length {
                                #expect(whole[p].bitPattern == cut[p].bitPattern, "\(build), blocks of \(blockInputs) inputs: row \(r), position \(p)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func flatOffsetsAddressPlanesRowsAndColumns() throws {
        // Nonzeros at (c, r, s) = (0, 0, 1), (1, 2, 0), (1, 1, 1) of a 1 × 2 × 3 × 2 weight.
        var values = [Float](repeating: 0, count: 12)
        values[0 * 6 + 0 * 2 + 1] = 1; values[1 * 6 + 2 * 2 + 0] = 2; values[1 * 6 + 1 * 2 + 1] = 3
        let csr = try #require(CSRWeights(weight: try Tensor(shape: [1, 2, 3, 2], values: values)))
        #expect(csr.flatOffsets(taps: 6, kernelW: 2, planeStride: 100, pitch: 10) == [1, 111, 120])
        #expect(csr.flatOffsets(taps: 6, kernelW: 2, planeStride: Int(Int32.max) / 2 + 1, pitch: 10) == nil, "offsets beyond 32 bits")
        #expect(csr.flatOffsets(taps: 5, kernelW: 2, planeStride: 100, pitch: 10) == nil, "columns not whole kernels")
        // The batch-innermost layout: 16 floats per position.
        #expect(csr.flatOffsets(taps: 6, kernelW: 2, planeStride: 100, pitch: 10, lanes: 16) == [16, 1776, 1920])
        #expect(csr.flatOffsets(taps: 6, kernelW: 2, planeStride: Int(Int32.max) / 32 + 1, pitch: 10, lanes: 16) == nil,
                "offsets × 16 beyond 32 bits")
        #expect(csr.flatOffsets(taps: 6, kernelW: 2, planeStride: 100, pitch: 10) == [1, 111, 120], "remembered per layout")
    }

    @Test func sparseCheckpointEncodingRoundTrips() throws {
        let value = try Tensor(shape: [3, 3], values: [Float](arrayLiteral: 0, 2, 0, -0.5, 0, 0, 0, 0, 7))
        let mask = try Tensor(shape: [3, 3], values: [Float](arrayLiteral: 0, 1, 1, 1, 0, 0, 0, 0, 1))
        let encoded = try #require(try SparseCheckpoint.encode(value: value, mask: mask))
        // Mask bits 0b1_0000_1110 → bytes 0x0E, 0x01; kept values in order (a kept zero stays).
        #expect(encoded.bits == [0x0E, 0x01])
        #expect(encoded.values.scalars(as: Float.self) == [2, 0, -0.5, 7])
        #expect(SparseCheckpoint.storedBytes(count: 9, kept: 4) == 18)
        let decoded = try SparseCheckpoint.decode(bits: encoded.bits, values: encoded.values, shape: [3, 3], name: "w")
        #expect(decoded.value.scalars(as: Float.self).map(\.bitPattern) == value.scalars(as: Float.self).map(\.bitPattern))
        #expect(decoded.mask.scalars(as: Float.self) == mask.scalars(as: Float.self))
        // A pruned entry that is not +0 cannot round-trip: no sparse encoding.
        let negativeZero = try Tensor(shape: [3, 3], values: [Float](arrayLiteral: -0.0, 2, 0, -0.5, 0, 0, 0, 0, 7))
        #expect(try SparseCheckpoint.encode(value: negativeZero, mask: mask) == nil)
        #expect(throws: EngineError.self) { try SparseCheckpoint.decode(bits: [0x0E, 0x03], values: encoded.values, shape: [3, 3], name: "w") }
        #expect(throws: EngineError.self) { try SparseCheckpoint.decode(bits: [0x0E], values: encoded.values, shape: [3, 3], name: "w") }
    }
}
