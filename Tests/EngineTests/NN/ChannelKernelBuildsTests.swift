import Testing
import ConvKernelsAVX2
import ConvKernelsAVX512
@testable import Engine

/// The channel kernel's two builds (AVX2, AVX-512) and its padding-tap skipping, called
/// directly on padded buffers: skipping taps outside each pixel's ``TapWindow`` changes no
/// value, the two builds agree (bit for bit on weight gradients), and both match a
/// double-precision reference.
@Suite struct ChannelKernelBuildsTests {
    typealias Case = (inputs: Int, outputs: Int, h: Int, w: Int, kernel: (Int, Int), pad: (Int, Int), stride: (Int, Int), samples: Int)
    static let cases: [Case] = [
        (17, 33, 4, 4, (3, 3), (1, 1), (1, 1), 3), (5, 17, 7, 7, (5, 5), (2, 2), (1, 1), 2), (3, 20, 9, 6, (3, 3), (1, 1), (2, 2), 2),
        (16, 16, 1, 1, (3, 3), (1, 1), (1, 1), 5), (8, 40, 8, 8, (3, 3), (1, 1), (1, 1), 4), (4, 6, 5, 9, (3, 2), (1, 0), (1, 1), 3),
        (9, 16, 6, 6, (3, 3), (0, 0), (1, 1), 2), (6, 18, 16, 16, (3, 3), (1, 1), (1, 1), 1), (7, 5, 3, 3, (7, 7), (3, 3), (1, 1), 2),
    ]

    /// A convolution's padded inputs, blocked weights, bias and pixel tables.
    struct Problem {
        let c: Case, layout: DirectConv2d.Layout, ho: Int, wo: Int
        var x: [Float], weights: [Float], bias: [Float], raw: [Float]
        let table: ChannelPixelTable
        var pixels: Int { c.samples * ho * wo }
        var outCount: Int { c.samples * c.outputs * ho * wo }
        var taps: Int { c.kernel.0 * c.kernel.1 }

        init(_ c: Case, seed: UInt64) {
            self.c = c
            var rng = RandomGenerator(seed: seed)
            layout = DirectConv2d.Layout(height: c.h, width: c.w, padH: c.pad.0, padW: c.pad.1)
            ho = (c.h + 2 * c.pad.0 - c.kernel.0) / c.stride.0 + 1
            wo = (c.w + 2 * c.pad.1 - c.kernel.1) / c.stride.1 + 1
            raw = (0..<(c.samples * c.inputs * c.h * c.w)).map { _ in rng.nextFloat() * 2 - 1 }
            var padded = [Float](repeating: .nan, count: c.samples * c.inputs * layout.planeStride)
            let planes = c.samples * c.inputs, (h, w, layout) = (c.h, c.w, layout)
            raw.withUnsafeBufferPointer { src in
                padded.withUnsafeMutableBufferPointer { layout.pad(src.baseAddress!, planes: planes, height: h, width: w, into: $0.baseAddress!) }
            }
            x = padded
            let blocks = ChannelVectorConvolution.paddedOutputs(c.outputs)
            weights = (0..<(blocks * c.inputs * c.kernel.0 * c.kernel.1)).map { _ in rng.nextFloat() - 0.5 }
            bias = (0..<blocks).map { $0 < c.outputs ? Float($0 % 7) * 0.1 - 0.3 : 0 }
            table = ChannelPixelTable(samples: c.samples, height: c.h, width: c.w, outHeight: ho, outWidth: wo,
                                      kernel: c.kernel, stride: c.stride, pad: c.pad, pitch: layout.pitch,
                                      inSampleStride: c.inputs * layout.planeStride, outSampleStride: c.outputs * ho * wo)
        }

        /// The forward pass from one build, with or without the tap windows.
        func forward(wide: Bool, skipping: Bool) -> [Float] {
            var y = [Float](repeating: .nan, count: outCount)
            x.withUnsafeBufferPointer { xb in weights.withUnsafeBufferPointer { wb in bias.withUnsafeBufferPointer { bb in
                table.inBase.withUnsafeBufferPointer { ib in table.outBase.withUnsafeBufferPointer { ob in
                    table.windows.withUnsafeBufferPointer { winb in y.withUnsafeMutableBufferPointer { yb in
                        let (xp, wp, bp, ip, op, yp) = (xb.baseAddress!, wb.baseAddress!, bb.baseAddress!, ib.baseAddress!, ob.baseAddress!, yb.baseAddress!)
                        let windows = skipping ? winb.baseAddress : nil
                        if wide {
                            ChannelVectorConvolution512.forward(
                                x: xp, inputs: c.inputs, planeStride: layout.planeStride, pitch: layout.pitch, inBase: ip, outBase: op,
                                pixels: pixels, w: wp, outputs: c.outputs, kernelH: c.kernel.0, kernelW: c.kernel.1,
                                y: yp, outStride: ho * wo, bias: bp, windows: windows)
                        } else {
                            ChannelVectorConvolution.forward(
                                x: xp, inputs: c.inputs, planeStride: layout.planeStride, pitch: layout.pitch, inBase: ip, outBase: op,
                                pixels: pixels, w: wp, outputs: c.outputs, kernelH: c.kernel.0, kernelW: c.kernel.1,
                                y: yp, outStride: ho * wo, bias: bp, windows: windows)
                        }
                    } }
                } }
            } } }
            return y
        }

        /// The weight gradient for output gradients `g` (blocked, pixel-major) from one build.
        func weightGradient(wide: Bool, g: [Float]) -> [Float] {
            let offsets = (0..<c.inputs).flatMap { i in (0..<c.kernel.0).flatMap { r in (0..<c.kernel.1).map { s in
                i * layout.planeStride + r * layout.pitch + s } } }
            var dw = [Float](repeating: 0, count: ChannelVectorConvolution.paddedOutputs(c.outputs) * offsets.count)
            x.withUnsafeBufferPointer { xb in table.inBase.withUnsafeBufferPointer { ib in offsets.withUnsafeBufferPointer { fb in
                g.withUnsafeBufferPointer { gb in dw.withUnsafeMutableBufferPointer { db in
                    let (xp, ip, fp, gp, dp) = (xb.baseAddress!, ib.baseAddress!, fb.baseAddress!, gb.baseAddress!, db.baseAddress!)
                    if wide {
                        ChannelVectorConvolution512.weightGradient(x: xp, inBase: ip, pixels: pixels, tapOffsets: fp, taps: offsets.count,
                                                                   g: gp, gBlockStride: pixels * 16, outputs: c.outputs, dw: dp)
                    } else {
                        ChannelVectorConvolution.weightGradient(x: xp, inBase: ip, pixels: pixels, tapOffsets: fp, taps: offsets.count,
                                                                g: gp, gBlockStride: pixels * 16, outputs: c.outputs, dw: dp)
                    }
                } }
            } } }
            return dw
        }

        /// The convolution in Double, straight from the unpadded inputs.
        func reference() -> [Float] {
            var y = [Float](repeating: 0, count: outCount)
            for j in 0..<c.samples { for o in 0..<c.outputs { for oh in 0..<ho { for ow in 0..<wo {
                var sum = Double(bias[o])
                for i in 0..<c.inputs { for r in 0..<c.kernel.0 { for s in 0..<c.kernel.1 {
                    let ih = oh * c.stride.0 - c.pad.0 + r, iw = ow * c.stride.1 - c.pad.1 + s
                    guard ih >= 0, ih < c.h, iw >= 0, iw < c.w else { continue }
                    let wv = weights[((o / 16) * c.inputs * taps + i * taps + r * c.kernel.1 + s) * 16 + o % 16]
                    sum += Double(raw[((j * c.inputs + i) * c.h + ih) * c.w + iw]) * Double(wv)
                } } }
                y[((j * c.outputs + o) * ho + oh) * wo + ow] = Float(sum)
            } } } }
            return y
        }
    }

    @Test(arguments: 0..<cases.count) func skippingPaddingTapsChangesNoValue(index: Int) throws {
        guard CPUFeatures.hasAVX2FMA else { return }
        let p = Problem(Self.cases[index], seed: UInt64(100 + index))
        let all = p.forward(wide: false, skipping: false), skipped = p.forward(wide: false, skipping: true)
        #expect(all == skipped, "case \(index)")
        let reference = p.reference()
        #expect(zip(all, reference).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "case \(index) against Double")
    }

    @Test(arguments: 0..<cases.count) func wideBuildAgreesWithAVX2(index: Int) throws {
        guard CPUFeatures.hasAVX512, CPUFeatures.hasAVX2FMA else { return }
        let p = Problem(Self.cases[index], seed: UInt64(200 + index))
        for skipping in [false, true] {
            #expect(p.forward(wide: true, skipping: skipping) == p.forward(wide: false, skipping: skipping), "case \(index)")
        }
        var rng = RandomGenerator(seed: 7)
        let padded = ChannelVectorConvolution.paddedOutputs(p.c.outputs)
        let g = (0..<(padded * p.pixels)).map { i in (i / (p.pixels * 16)) * 16 + i % 16 < p.c.outputs ? rng.nextFloat() - 0.5 : 0 }
        let narrow = p.weightGradient(wide: false, g: g), wide = p.weightGradient(wide: true, g: g)
        #expect(narrow.map(\.bitPattern) == wide.map(\.bitPattern), "weight gradient case \(index)")
    }

    /// The tables list every output pixel of every sample once, each with the taps that read
    /// real input (brute force: a tap is in the window iff it lands inside the image).
    @Test(arguments: 0..<cases.count) func pixelTablesCoverEveryPixelWithItsWindow(index: Int) throws {
        let p = Problem(Self.cases[index], seed: 1)
        let c = p.c, perSample = c.outputs * p.ho * p.wo
        #expect(p.table.outBase.count == p.pixels)
        #expect(Set(p.table.outBase).count == p.pixels)
        for q in 0..<p.pixels {
            let j = p.table.outBase[q] / perSample, pixel = p.table.outBase[q] % perSample
            #expect(pixel < p.ho * p.wo)
            let oh = pixel / p.wo, ow = pixel % p.wo
            #expect(p.table.inBase[q] == j * c.inputs * p.layout.planeStride + oh * c.stride.0 * p.layout.pitch + ow * c.stride.1)
            let rows = (0..<c.kernel.0).filter { (0..<c.h).contains(oh * c.stride.0 - c.pad.0 + $0) }
            let columns = (0..<c.kernel.1).filter { (0..<c.w).contains(ow * c.stride.1 - c.pad.1 + $0) }
            let expected = TapWindow.pack(rows: rows.first! ..< rows.last! + 1, columns: columns.first! ..< columns.last! + 1)
            #expect(p.table.windows[q] == expected, "pixel \(oh),\(ow)")
        }
    }

    /// The share of multiply-adds 12-pixel tiles compute on the ResNet stage-4 shape (3×3,
    /// padding 1, 4×4 planes, a group of 14 samples): 74%, against 68% skipping every padding tap.
    @Test func tilesSkipMostPaddingTaps() {
        let table = ChannelPixelTable(samples: 14, height: 4, width: 4, outHeight: 4, outWidth: 4, kernel: (3, 3), stride: (1, 1),
                                      pad: (1, 1), pitch: 6, inSampleStride: 36, outSampleStride: 16)
        var computed = 0
        table.windows.withUnsafeBufferPointer { windows in
            var p = 0
            while p < windows.count {
                let count = min(12, windows.count - p)
                let union = TapWindow.union(windows.baseAddress! + p, count: count)
                computed += 12 * union.rows.count * union.columns.count
                p += count
            }
        }
        let nominal = (14 * 16 + 11) / 12 * 12 * 9
        #expect(abs(Double(computed) / Double(nominal) - 0.743) < 0.002)
    }
}
