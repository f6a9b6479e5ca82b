/// Elementwise arithmetic, comparisons, minimum and maximum between tensors and with scalars.
///
/// Broadcasting follows NumPy: shapes are aligned from the right and each pair of sizes must be
/// equal or contain a 1 (which stretches). Type promotion: float32 with float64 gives float64;
/// a scalar (a Swift or Lua number) takes the tensor's type. Results are new contiguous tensors.
extension Tensor {
    /// `op(self, other)` elementwise, broadcast and promoted.
    public func applying(_ op: BinaryOperation, _ other: Tensor) throws -> Tensor {
        let dtype = DType.promoted(self.dtype, other.dtype)
        let shape = try Shape.broadcast(self.shape, other.shape)
        let a = try converted(to: dtype).expanded(to: shape)
        let b = try other.converted(to: dtype).expanded(to: shape)
        let output = try Tensor(shape: shape, dtype: dtype, zeroed: false)
        op.run(a, b, into: output)
        return output
    }

    /// `op(self, scalar)` elementwise, or `op(scalar, self)` when `scalarFirst`. The scalar
    /// takes `self`'s element type. `x ^ 2`, `x ^ 0.5`, `x ^ 1` and `x ^ -1` take the fast paths
    /// NumPy takes (square, sqrt, copy, reciprocal).
    public func applying(_ op: BinaryOperation, scalar: Double, scalarFirst: Bool = false) throws -> Tensor {
        if op == .power && !scalarFirst {
            switch scalar {
            case 2: return try applying(.square)
            case 1: return try copy()
            case 0.5: return try applying(.sqrt)
            case -1: return try applying(.divide, scalar: 1, scalarFirst: true)
            default: break
            }
        }
        let s = try Tensor.scalar(scalar, dtype: dtype)
        return scalarFirst ? try s.applying(op, self) : try applying(op, s)
    }

    /// A 0-d tensor holding `value` as `dtype`.
    public static func scalar(_ value: Double, dtype: DType) throws -> Tensor {
        switch dtype {
        case .float32: return try Tensor(scalar: Float(value))
        case .float64: return try Tensor(scalar: value)
        }
    }

    /// Whether `other` has `self`'s shape and every element equal (element types may differ;
    /// NaN equals nothing).
    public func isEqual(to other: Tensor) throws -> Bool {
        guard shape == other.shape else { return false }
        return try applying(.notEqual, other).sum() == 0
    }

    /// Elementwise x^y (broadcast).
    public func power(_ exponent: Tensor) throws -> Tensor { try applying(.power, exponent) }
    /// Elementwise x^y for a scalar exponent.
    public func power(_ exponent: Double) throws -> Tensor { try applying(.power, scalar: exponent) }
    /// Elementwise minimum (NaN propagates).
    public func minimum(_ other: Tensor) throws -> Tensor { try applying(.minimum, other) }
    /// Elementwise maximum (NaN propagates).
    public func maximum(_ other: Tensor) throws -> Tensor { try applying(.maximum, other) }

    // Operators: `a + b`, `a * 2`, `1 - a`, `-a` … (throwing: `try a + b`), as `applying(_:_:)`.

    /// Elementwise sum (broadcast, promoted).
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.applying(.add, rhs) }
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.applying(.subtract, rhs) }
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.applying(.multiply, rhs) }
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.applying(.divide, rhs) }
    public static func + (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.applying(.add, scalar: rhs) }
    public static func - (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.applying(.subtract, scalar: rhs) }
    public static func * (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.applying(.multiply, scalar: rhs) }
    public static func / (lhs: Tensor, rhs: Double) throws -> Tensor { try lhs.applying(.divide, scalar: rhs) }
    public static func + (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.applying(.add, scalar: lhs, scalarFirst: true) }
    public static func - (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.applying(.subtract, scalar: lhs, scalarFirst: true) }
    public static func * (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.applying(.multiply, scalar: lhs, scalarFirst: true) }
    public static func / (lhs: Double, rhs: Tensor) throws -> Tensor { try rhs.applying(.divide, scalar: lhs, scalarFirst: true) }
    public static prefix func - (operand: Tensor) throws -> Tensor { try operand.applying(.negate) }
}
