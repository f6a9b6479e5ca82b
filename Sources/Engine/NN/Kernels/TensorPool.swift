import Synchronization

/// Recycled tensors for the gradients that flow backward through a network.
///
/// A layer's input gradient is only needed until the layer before it has used it, so
/// containers hand each intermediate gradient back here (``release(_:)``) once the next layer's
/// backward has consumed it, and layers take their input-gradient buffers from here
/// (``acquire(_:)``). A training step then needs a few gradient-sized buffers instead of one per
/// layer, and allocates none after the first batch. Concurrent users get distinct tensors.
public enum TensorPool {
    /// Free tensors kept at most (the oldest go first).
    static let capacity = 32

    private static let free = Mutex<[Tensor]>([])

    /// A contiguous Float32 tensor of `shape` (contents undefined) that the caller owns until it
    /// releases it (or drops it).
    public static func acquire(_ shape: [Int]) throws -> Tensor {
        let count = try Shape.validatedCount(shape)
        let reused: Tensor? = free.withLock { list in
            guard let i = list.firstIndex(where: { $0.count == count }) else { return nil }
            return list.remove(at: i)
        }
        if let reused {
            return reused.shape == shape ? reused : Tensor(storage: reused.storage, shape: shape, strides: Shape.contiguousStrides(shape))
        }
        return try Tensor(shape: shape, dtype: .float32, zeroed: false)
    }

    /// Hands `tensor` back for reuse. Only whole, contiguous Float32 storages are kept; the caller
    /// must not use the tensor (or any view of its storage) afterwards.
    public static func release(_ tensor: Tensor) {
        guard tensor.dtype == .float32, tensor.offset == 0, tensor.isContiguous, tensor.count == tensor.storage.count, tensor.count > 0 else { return }
        free.withLock { list in
            guard !list.contains(where: { $0.storage === tensor.storage }) else { return }
            list.append(tensor)
            if list.count > capacity { list.removeFirst() }
        }
    }

    /// Releases `gradient` unless it shares storage with `keep` (a layer may return a view of
    /// the gradient it was given, as Flatten does).
    public static func release(_ gradient: Tensor, unlessSharedWith keep: Tensor) {
        if gradient.storage !== keep.storage { release(gradient) }
    }

    /// Drops every pooled tensor.
    public static func releaseAll() {
        free.withLock { $0.removeAll() }
    }

    /// Bytes held by pooled tensors.
    public static var pooledBytes: Int {
        free.withLock { $0.reduce(0) { $0 + $1.count * 4 } }
    }
}
