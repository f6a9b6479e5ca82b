/// A trainable tensor of a layer, with its accumulated gradient and an optional pruning mask.
///
/// `value` and `gradient` are contiguous Float32 tensors of the same shape, allocated once;
/// optimizers update `value` in place, so views handed out (to Lua, to a pruning pass) always
/// see the current weights.
///
/// ## Pruning hook
/// `mask` is nil for a dense parameter. A pruning pass sets it to a 0/1 tensor of the same
/// shape (``setMask(_:)``), which zeroes the masked weights at once. From then on
/// ``SGD/step()`` multiplies the gradient by the mask before the update and re-applies the
/// mask to the weight and the momentum buffer after it, so masked weights stay exactly zero and
/// carry no momentum. `isPrunable` marks the weights a layer-wise pruning pass should consider
/// (convolution and linear weights; not biases or BatchNorm parameters).
public final class Parameter {
    /// Name within its layer: `weight` or `bias`.
    public let name: String
    /// The current values (Float32, contiguous).
    public let value: Tensor
    /// ∂loss/∂value accumulated by `backward` since the last ``zeroGradient()``.
    public let gradient: Tensor
    /// 0/1 pruning mask of the same shape, or nil when dense.
    public private(set) var mask: Tensor?
    /// Whether a layer-wise magnitude pruning pass should prune this tensor.
    public let isPrunable: Bool

    /// A parameter holding `value` (which must be contiguous Float32) and a zero gradient.
    public init(name: String, value: Tensor, isPrunable: Bool) throws {
        guard value.dtype == .float32, value.isContiguous else {
            throw EngineError.invalid("parameter \(name)", expected: "a contiguous float32 tensor", given: "\(value.dtype.rawValue) \(Shape.describe(value.shape))")
        }
        self.name = name
        self.value = value
        self.gradient = try Tensor(zeros: value.shape)
        self.isPrunable = isPrunable
    }

    /// Number of elements.
    public var count: Int { value.count }

    /// Sets every gradient element to zero.
    public func zeroGradient() {
        gradient.mutablePointer(as: Float.self).update(repeating: 0, count: gradient.count)
    }

    /// Installs a 0/1 mask (any tensor of the same shape; values are rounded to 0 or 1:
    /// non-zero means kept) and zeroes the masked weights. `nil` removes the mask (the weights
    /// keep their values).
    public func setMask(_ newMask: Tensor?) throws {
        guard let newMask else {
            mask = nil
            return
        }
        guard newMask.shape == value.shape else {
            throw EngineError.invalid("mask for \(name)", expected: "shape \(Shape.describe(value.shape))", given: Shape.describe(newMask.shape))
        }
        let binary = try Tensor(shape: value.shape, dtype: .float32, zeroed: false)
        let source = try newMask.converted(to: .float32).contiguous()
        let s = source.mutablePointer(as: Float.self), d = binary.mutablePointer(as: Float.self)
        for i in 0..<count { d[i] = s[i] != 0 ? 1 : 0 }
        mask = binary
        applyMask(to: value)
    }

    /// Multiplies `tensor` (a contiguous Float32 tensor of this parameter's shape: the value,
    /// its gradient or an optimizer buffer) by the mask, if there is one.
    public func applyMask(to tensor: Tensor) {
        guard let mask, tensor.count == count else { return }
        let m = mask.mutablePointer(as: Float.self), p = tensor.mutablePointer(as: Float.self)
        for i in 0..<count where m[i] == 0 { p[i] = 0 }
    }

    /// Fraction of weights that are masked out (0 when dense).
    public var sparsity: Double {
        guard let mask else { return 0 }
        let m = mask.mutablePointer(as: Float.self)
        var zeros = 0
        for i in 0..<count where m[i] == 0 { zeros += 1 }
        return count == 0 ? 0 : Double(zeros) / Double(count)
    }

    /// A deep copy: new value (same numbers), zero gradient, copied mask.
    public func copy() throws -> Parameter {
        let p = try Parameter(name: name, value: try value.copy(), isPrunable: isPrunable)
        p.mask = try mask?.copy()
        return p
    }
}
