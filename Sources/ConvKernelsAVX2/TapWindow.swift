/// The kernel taps of one output pixel that land inside the image rather than in its zero
/// padding, packed in one `Int` for the channel kernels' pixel tables.
///
/// For output row `oh` of a convolution with stride `s` and padding `p` over `H` input rows,
/// kernel row `r` reads padded row `oh·s + r`, a real row exactly when
/// `max(0, p − oh·s) ≤ r < min(R, H + p − oh·s)`; columns likewise. A tap outside that window
/// multiplies a padding zero, so skipping it leaves the sum unchanged (up to the sign of a
/// zero sum). On 3×3 layers with padding 1 that is 31% of the multiply-adds on 4×4 planes,
/// 16% on 8×8 and 8% on 16×16, which oneDNN's direct convolutions skip as well.
///
/// Layout: rows `r0 ..< r1` and columns `c0 ..< c1` as `r0 | r1 << 8 | c0 << 16 | c1 << 24`
/// (kernels are at most 255 taps on a side).
public enum TapWindow {
    /// The packed window of taps `rows` × `columns`.
    @inlinable public static func pack(rows: Range<Int>, columns: Range<Int>) -> Int {
        rows.lowerBound | rows.upperBound << 8 | columns.lowerBound << 16 | columns.upperBound << 24
    }

    /// The taps of kernel rows (or columns) `0 ..< kernel` that read real input for output
    /// position `output` along a dimension of `size` inputs, with `stride` and `padding`.
    @inlinable public static func span(output: Int, stride: Int, padding: Int, kernel: Int, size: Int) -> Range<Int> {
        let start = padding - output * stride
        let lower = max(0, start), upper = min(kernel, size + start)
        return lower ..< max(lower, upper)
    }

    /// The smallest window holding the windows of `count` pixels from `windows` (every tap
    /// some pixel of a tile needs).
    @inlinable public static func union(_ windows: UnsafePointer<Int>, count: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        var r0 = Int.max, r1 = 0, c0 = Int.max, c1 = 0
        for q in 0..<count {
            let v = windows[q]
            r0 = min(r0, v & 255); r1 = max(r1, (v >> 8) & 255)
            c0 = min(c0, (v >> 16) & 255); c1 = max(c1, (v >> 24) & 255)
        }
        return (r0 ..< max(r0, r1), c0 ..< max(c0, c1))
    }
}

extension TapWindow {
    /// Calls `body` with the rows and columns of `window`, as compile-time constants where
    /// that makes the kernels' tap loops unroll: the full `kernelH × kernelW` window, and a
    /// 3×3 kernel's border spans (`1..<3`, `0..<2`), where a loop over a run-time span costs
    /// a third of the speed.
    @inlinable @inline(__always)
    public static func withUnrolledSpans(_ window: (rows: Range<Int>, columns: Range<Int>), kernelH: Int, kernelW: Int,
                                         _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        if window.rows == 0 ..< kernelH && window.columns == 0 ..< kernelW {
            body(0 ..< kernelH, 0 ..< kernelW)
        } else if kernelH == 3 && kernelW == 3 {
            withConstant3TapSpan(window.rows) { rows in withConstant3TapSpan(window.columns) { columns in body(rows, columns) } }
        } else {
            body(window.rows, window.columns)
        }
    }

    @inlinable @inline(__always)
    static func withConstant3TapSpan(_ span: Range<Int>, _ body: (Range<Int>) -> Void) {
        switch (span.lowerBound, span.upperBound) {
        case (0, 3): body(0 ..< 3)
        case (1, 3): body(1 ..< 3)
        case (0, 2): body(0 ..< 2)
        default: body(span)
        }
    }
}
