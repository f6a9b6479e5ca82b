/// A layer's own buffers: its forward output (and masks such as Dropout's), kept in a property
/// of the layer and reused by the next call of the same shape.
///
/// The layer owns these: the tensor `forward` returns is valid until that layer's next
/// forward, and code that wants to keep it copies it. Compare ``TensorPool`` (gradients, owned
/// by whoever holds them) and ``Workspace`` (scratch lent for one closure).
enum Buffers {
    /// `existing` when it already has `shape`, otherwise a new uninitialised Float32 tensor.
    static func reuse(_ existing: Tensor?, shape: [Int]) throws -> Tensor {
        if let existing, existing.shape == shape { return existing }
        return try Tensor(shape: shape, dtype: .float32, zeroed: false)
    }

    /// A contiguous Float32 version of `input` (itself when it already is one).
    static func float32Contiguous(_ input: Tensor) throws -> Tensor {
        try input.converted(to: .float32).contiguous()
    }
}
