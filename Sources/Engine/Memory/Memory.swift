/// Who owns Engine's memory, and the one place that configures and inspects it.
///
/// Every buffer has exactly one kind of owner, and nobody releases anything by hand:
///
/// - **Tensors** own their ``Storage`` by reference counting. A storage owns one
///   ``MemoryBlock``: small ones from `malloc`, large ones (≥ ``Storage/largeThreshold``)
///   huge-page mappings that ``MappingPool`` keeps after they are freed, for the next tensor
///   of the same size.
/// - **Gradients** come from ``TensorPool/acquire(_:)`` (every layer's input gradient). The
///   returned tensor is an owned handle: when the last reference to it or to a view of it goes,
///   its storage hands the buffer back to the pool. Containers simply drop each gradient once
///   the layer before has consumed it; `Model.backward`'s result belongs to its caller, who may
///   keep it or drop it. A ``BufferPool``'s ``BufferPool/statistics`` count loans and misses
///   (loans that allocated), so tests can check that training steps after the first allocate
///   nothing.
/// - **A layer's outputs** are the layer's (``Buffers/reuse(_:shape:)``): valid until its next
///   forward, overwritten then. Copy one to keep it.
/// - **Scratch** (im2col matrices, padded planes, transformed weights) is lent by
///   ``Workspace/withBuffer(count:_:)`` for the duration of a closure, never longer.
/// - **The C allocator** is tuned once per process by ``configureProcess()`` (``AllocatorTuning``:
///   glibc's mmap and trim thresholds), which an executable calls at start-up before any work;
///   the `prunelab` executable does. Engine used from Swift without it behaves the same, only
///   with glibc's default thresholds.
///
/// The pools keep idle memory within fixed limits (``TensorPool`` 32 buffers, ``Workspace``
/// 256 MB, ``MappingPool`` 256 MB); ``releaseCaches()`` empties all three.
public enum Memory {
    /// Applies the process-wide allocator settings (``AllocatorTuning``). Call once at
    /// start-up, before any heavy allocation; later calls do nothing.
    public static func configureProcess() {
        _ = AllocatorTuning.applied
    }

    /// Returns every idle pooled buffer (gradients, scratch, large mappings) to the system.
    public static func releaseCaches() {
        TensorPool.releaseAll()
        Workspace.releaseAll()
        MappingPool.releaseAll()
    }

    /// Idle bytes held by the pools, by pool.
    public static var pooledBytes: (gradients: Int, scratch: Int, mappings: Int) {
        (TensorPool.pooledBytes, Workspace.pooledBytes, MappingPool.pooledBytes)
    }
}
