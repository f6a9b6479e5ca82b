import Synchronization

/// Recycled tensors for the gradients that flow backward through a network.
///
/// A layer's input gradient is only needed until the layer before it has used it. Layers take
/// their input-gradient buffers from here (``acquire(_:)``); the tensor they return is an owned
/// handle: its storage hands the buffer back to the pool it came from when the last reference
/// to it (or to any view of it) goes, so a container that drops a consumed gradient recycles
/// it, and a caller that keeps one simply keeps it (the pool then allocates another). Nobody
/// releases a gradient by hand. A training step needs a few gradient-sized buffers instead of
/// one per layer, and allocates none after the first batch (``BufferPool/statistics`` counts
/// the loans and the misses, loans that had to allocate).
///
/// Loans come from ``current``: the process-wide ``shared`` pool, unless a task runs with its
/// own (`TensorPool.$current.withValue(BufferPool()) { … }`, which tests use to count one
/// training run's misses undisturbed by other threads).
public enum TensorPool {
    /// The process-wide pool (32 idle buffers at most).
    public static let shared = BufferPool(capacity: 32)

    /// The pool ``acquire(_:)`` lends from: ``shared`` unless the current task binds another.
    @TaskLocal public static var current: BufferPool = shared

    /// A contiguous Float32 tensor of `shape` (contents undefined) from ``current``, owned by
    /// whoever holds it: its buffer returns to that pool when the tensor and every view of it
    /// are gone.
    public static func acquire(_ shape: [Int]) throws -> Tensor {
        try current.acquire(shape)
    }

    /// Frees every idle buffer of the shared pool.
    public static func releaseAll() { shared.releaseAll() }

    /// Bytes held by the shared pool's idle buffers.
    public static var pooledBytes: Int { shared.pooledBytes }
}

/// A pool of Float32 buffers lent as contiguous tensors (see ``TensorPool``). Concurrent
/// users get distinct buffers.
public final class BufferPool: Sendable {
    /// Loans made (``acquire(_:)`` calls) and misses (loans that allocated a new buffer
    /// because no idle one had the right size).
    public struct Statistics: Sendable, Equatable {
        public var loans = 0
        public var misses = 0
    }

    /// Idle buffers kept at most (beyond it the oldest is freed).
    public let capacity: Int

    private let idle = Mutex<[MemoryBlock]>([])
    private let counts = Mutex(Statistics())

    public init(capacity: Int = 32) {
        self.capacity = max(capacity, 0)
    }

    /// A contiguous Float32 tensor of `shape` (contents undefined); its buffer comes back here
    /// when the tensor and every view of it are gone.
    public func acquire(_ shape: [Int]) throws -> Tensor {
        let count = try Shape.validatedCount(shape)
        let reused: MemoryBlock? = idle.withLock { list in
            guard let i = list.firstIndex(where: { $0.count == count }) else { return nil }
            return list.remove(at: i)
        }
        counts.withLock { c in
            c.loans += 1
            if reused == nil { c.misses += 1 }
        }
        let block = try reused ?? MemoryBlock.allocate(dtype: .float32, count: count, zeroed: false)
        return Tensor(storage: Storage(owning: block, lender: self), shape: shape, strides: Shape.contiguousStrides(shape))
    }

    /// Takes back the block of a lent storage that died (called by ``Storage``'s deinit).
    func reclaim(_ block: MemoryBlock) {
        guard block.count > 0, capacity > 0 else {
            block.dispose()
            return
        }
        let evicted: MemoryBlock? = idle.withLock { list in
            list.append(block)
            return list.count > capacity ? list.removeFirst() : nil
        }
        evicted?.dispose()
    }

    /// Frees every idle buffer.
    public func releaseAll() {
        let all = idle.withLock { list -> [MemoryBlock] in
            defer { list.removeAll() }
            return list
        }
        for block in all { block.dispose() }
    }

    /// Bytes held by idle buffers.
    public var pooledBytes: Int {
        idle.withLock { $0.reduce(0) { $0 + $1.count * 4 } }
    }

    /// Number of idle buffers.
    public var idleCount: Int { idle.withLock { $0.count } }

    /// Loans and misses so far.
    public var statistics: Statistics { counts.withLock { $0 } }
}
