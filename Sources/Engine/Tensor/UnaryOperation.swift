/// Elementwise functions of one tensor.
///
/// `exp` (and `sigmoid`, which uses it) run a vectorised polynomial (`VectorExp`, within 2 ulp;
/// on contiguous data in the widest build the machine supports, see `KernelDispatch`);
/// `log`, `sin`, `cos`, `tanh` call the C library. `round` rounds halves to even, as NumPy and
/// Torch do. `sign` is −1, 0 or 1 (NaN stays NaN). `relu(x) = max(x, 0)`,
/// `sigmoid(x) = 1 / (1 + e^−x)`.
public enum UnaryOperation: String, Sendable, CaseIterable {
    case abs, negate, sqrt, exp, log, sin, cos, tanh, sigmoid, relu, sign, floor, ceil, round
    case square, reciprocal

    func run(_ input: Tensor, into output: Tensor) {
        switch output.dtype {
        case .float32: run(input, output, Float.self)
        case .float64: run(input, output, Double.self)
        }
    }

    private func run<T: KernelScalar>(_ x: Tensor, _ o: Tensor, _: T.Type) {
        switch self {
        case .abs: ElementwiseLoops.map(AbsKernel<T>(), x, into: o)
        case .negate: ElementwiseLoops.map(NegateKernel<T>(), x, into: o)
        case .sqrt: ElementwiseLoops.map(SqrtKernel<T>(), x, into: o)
        case .exp: ElementwiseLoops.map(ExpKernel<T>(), x, into: o)
        case .log: ElementwiseLoops.map(LogKernel<T>(), x, into: o)
        case .sin: ElementwiseLoops.map(SinKernel<T>(), x, into: o)
        case .cos: ElementwiseLoops.map(CosKernel<T>(), x, into: o)
        case .tanh: ElementwiseLoops.map(TanhKernel<T>(), x, into: o)
        case .sigmoid: ElementwiseLoops.map(SigmoidKernel<T>(), x, into: o)
        case .relu: ElementwiseLoops.map(ClampKernel<T>(low: 0, high: .infinity), x, into: o)
        case .sign: ElementwiseLoops.map(SignKernel<T>(), x, into: o)
        case .floor: ElementwiseLoops.map(RoundKernel<T>(rule: .down), x, into: o)
        case .ceil: ElementwiseLoops.map(RoundKernel<T>(rule: .up), x, into: o)
        case .round: ElementwiseLoops.map(RoundKernel<T>(rule: .toNearestOrEven), x, into: o)
        case .square: ElementwiseLoops.map(SquareKernel<T>(), x, into: o)
        case .reciprocal: ElementwiseLoops.map(ReciprocalKernel<T>(), x, into: o)
        }
    }
}

extension Tensor {
    /// `op` applied to every element: a new contiguous tensor of the same type.
    public func applying(_ op: UnaryOperation) throws -> Tensor {
        let output = try Tensor(shape: shape, dtype: dtype, zeroed: false)
        op.run(self, into: output)
        return output
    }

    /// Applies `op` to every element in place.
    public func apply(_ op: UnaryOperation) {
        op.run(self, into: self)
    }

    /// Every element limited to [`low`, `high`] (nil: no limit on that side); NaN stays NaN.
    /// With `low > high` every element becomes `high` (as NumPy's `clip`).
    public func clamped(low: Double?, high: Double?) throws -> Tensor {
        let output = try Tensor(shape: shape, dtype: dtype, zeroed: false)
        clamp(self, into: output, low: low, high: high)
        return output
    }

    /// Limits every element to [`low`, `high`] in place.
    public func clamp(low: Double?, high: Double?) {
        clamp(self, into: self, low: low, high: high)
    }

    private func clamp(_ input: Tensor, into output: Tensor, low: Double?, high: Double?) {
        let lo = low ?? -.infinity, hi = high ?? .infinity
        switch dtype {
        case .float32: ElementwiseLoops.map(ClampKernel<Float>(low: Float(lo), high: Float(hi)), input, into: output)
        case .float64: ElementwiseLoops.map(ClampKernel<Double>(low: lo, high: hi), input, into: output)
        }
    }
}

struct AbsKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x.magnitude }
}
struct NegateKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { -x }
}
struct SqrtKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x.squareRoot() }
}
struct ExpKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { Scalar.vectorExp(x) }
    @inline(__always) func runFast(_ x: UnsafePointer<Scalar>, _ o: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool {
        if let (fx, fo) = Scalar.asFloat(x, o) { KernelDispatch.exp(fx, fo, n); return true }
        if let (dx, dout) = Scalar.asDouble(x, o) { KernelDispatch.exp(dx, dout, n); return true }
        return false
    }
}
struct LogKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { Scalar.libLog(x) }
}
struct SinKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { Scalar.libSin(x) }
}
struct CosKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { Scalar.libCos(x) }
}
struct TanhKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { Scalar.libTanh(x) }
}
struct SigmoidKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { 1 / (1 + Scalar.vectorExp(-x)) }
    @inline(__always) func runFast(_ x: UnsafePointer<Scalar>, _ o: UnsafeMutablePointer<Scalar>, _ n: Int) -> Bool {
        if let (fx, fo) = Scalar.asFloat(x, o) { KernelDispatch.sigmoid(fx, fo, n); return true }
        if let (dx, dout) = Scalar.asDouble(x, o) { KernelDispatch.sigmoid(dx, dout, n); return true }
        return false
    }
}
struct ClampKernel<Scalar: KernelScalar>: UnaryKernel {
    let low: Scalar, high: Scalar
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar {
        let y = x < low ? low : x
        return y > high ? high : y
    }
}
struct SignKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x > 0 ? 1 : (x < 0 ? -1 : x) }
}
struct RoundKernel<Scalar: KernelScalar>: UnaryKernel {
    let rule: FloatingPointRoundingRule
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x.rounded(rule) }
}
struct SquareKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { x * x }
}
struct ReciprocalKernel<Scalar: KernelScalar>: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar) -> Scalar { 1 / x }
}
