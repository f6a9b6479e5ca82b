/// Element type of a ``Tensor``. Float64 is exact for similarity work and survives
/// load/save without loss; Float32 is the training type.
public enum DType: String, Sendable, CaseIterable {
    case float32
    case float64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: 4
        case .float64: 8
        }
    }

    /// The type NumPy's promotion rules give for a binary operation on two tensors.
    public static func promoted(_ a: DType, _ b: DType) -> DType {
        (a == .float64 || b == .float64) ? .float64 : .float32
    }
}

/// The Swift element types a ``Tensor`` can hold.
public protocol TensorScalar: BinaryFloatingPoint, Sendable
where Self: LosslessStringConvertible, Self.RawSignificand: FixedWidthInteger {
    /// The tensor element type that stores values of this Swift type.
    static var dtype: DType { get }
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
}
