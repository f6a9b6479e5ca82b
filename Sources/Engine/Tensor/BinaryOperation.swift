/// Elementwise operations of two operands, applied with NumPy's broadcasting rules.
///
/// Comparisons give 1 where the relation holds and 0 elsewhere, in the operands' (promoted)
/// element type; any comparison with NaN is false except ``notEqual``. ``minimum`` and
/// ``maximum`` propagate NaN, as NumPy's `np.minimum`/`np.maximum` do.
public enum BinaryOperation: String, Sendable, CaseIterable {
    case add, subtract, multiply, divide
    /// x^y (C library `pow`).
    case power
    case minimum, maximum
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    /// Runs `self` on operands already broadcast to `output`'s shape and converted to its type.
    func run(_ a: Tensor, _ b: Tensor, into output: Tensor) {
        switch output.dtype {
        case .float32: run(a, b, output, Float.self)
        case .float64: run(a, b, output, Double.self)
        }
    }

    private func run<T: KernelScalar>(_ a: Tensor, _ b: Tensor, _ o: Tensor, _: T.Type) {
        switch self {
        case .add: ElementwiseLoops.zip(AddKernel<T>(), a, b, into: o)
        case .subtract: ElementwiseLoops.zip(SubtractKernel<T>(), a, b, into: o)
        case .multiply: ElementwiseLoops.zip(MultiplyKernel<T>(), a, b, into: o)
        case .divide: ElementwiseLoops.zip(DivideKernel<T>(), a, b, into: o)
        case .power: ElementwiseLoops.zip(PowerKernel<T>(), a, b, into: o)
        case .minimum: ElementwiseLoops.zip(MinimumKernel<T>(), a, b, into: o)
        case .maximum: ElementwiseLoops.zip(MaximumKernel<T>(), a, b, into: o)
        case .equal: ElementwiseLoops.zip(EqualKernel<T>(), a, b, into: o)
        case .notEqual: ElementwiseLoops.zip(NotEqualKernel<T>(), a, b, into: o)
        case .less: ElementwiseLoops.zip(LessKernel<T>(), a, b, into: o)
        case .lessEqual: ElementwiseLoops.zip(LessEqualKernel<T>(), a, b, into: o)
        case .greater: ElementwiseLoops.zip(LessKernel<T>(swapped: true), a, b, into: o)
        case .greaterEqual: ElementwiseLoops.zip(LessEqualKernel<T>(swapped: true), a, b, into: o)
        }
    }
}

struct AddKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x + y }
}
struct SubtractKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x - y }
}
struct MultiplyKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x * y }
}
struct DivideKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x / y }
}
struct PowerKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { Scalar.libPow(x, y) }
}
/// x + alpha·y (the in-place axpy's fallback).
struct ScaledAddKernel<Scalar: KernelScalar>: BinaryKernel {
    let alpha: Scalar
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x + alpha * y }
}
struct MinimumKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { (x != x || x < y) ? x : y }
}
struct MaximumKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { (x != x || x > y) ? x : y }
}
struct EqualKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x == y ? 1 : 0 }
}
struct NotEqualKernel<Scalar: KernelScalar>: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar { x != y ? 1 : 0 }
}
struct LessKernel<Scalar: KernelScalar>: BinaryKernel {
    var swapped = false
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar {
        (swapped ? y < x : x < y) ? 1 : 0
    }
}
struct LessEqualKernel<Scalar: KernelScalar>: BinaryKernel {
    var swapped = false
    @inline(__always) func callAsFunction(_ x: Scalar, _ y: Scalar) -> Scalar {
        (swapped ? y <= x : x <= y) ? 1 : 0
    }
}
