#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import TensorKernels

/// The element math the tensor kernels need, for Float and Double: the C library's functions
/// under one generic name, plus a branch-free ``vectorExp(_:)`` that the compiler vectorises.
///
/// Kernels are generic over `KernelScalar` and are specialised for Float and Double by the
/// optimiser, so each call below is a direct call (or inlined code) in the compiled loop.
protocol KernelScalar: TensorScalar {
    static func libExp(_ x: Self) -> Self
    static func libLog(_ x: Self) -> Self
    static func libSin(_ x: Self) -> Self
    static func libCos(_ x: Self) -> Self
    static func libTanh(_ x: Self) -> Self
    static func libPow(_ x: Self, _ y: Self) -> Self
    /// e^x, branch-free (see `VectorExp`).
    static func vectorExp(_ x: Self) -> Self
}

extension KernelScalar {
    /// The pointers retyped as Float when `Self` is Float, else nil (for type-specific kernels).
    @inline(__always)
    static func asFloat(_ x: UnsafePointer<Self>, _ o: UnsafeMutablePointer<Self>) -> (UnsafePointer<Float>, UnsafeMutablePointer<Float>)? {
        guard Self.self == Float.self else { return nil }
        return (UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self))
    }

    /// The pointers retyped as Double when `Self` is Double, else nil.
    @inline(__always)
    static func asDouble(_ x: UnsafePointer<Self>, _ o: UnsafeMutablePointer<Self>) -> (UnsafePointer<Double>, UnsafeMutablePointer<Double>)? {
        guard Self.self == Double.self else { return nil }
        return (UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), UnsafeMutableRawPointer(o).assumingMemoryBound(to: Double.self))
    }
}

extension Float: KernelScalar {
    @inline(__always) static func libExp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func libLog(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func libSin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) static func libCos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) static func libTanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func libPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) static func vectorExp(_ x: Float) -> Float { VectorExp.exp(x) }
}

extension Double: KernelScalar {
    @inline(__always) static func libExp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) static func libLog(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) static func libSin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) static func libCos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) static func libTanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) static func libPow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) static func vectorExp(_ x: Double) -> Double { VectorExp.exp(x) }
}
