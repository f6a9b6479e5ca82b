import Synchronization

/// Scratch memory shared by layers that need large temporary buffers (the im2col matrices of
/// ``Conv2d``), so a whole network needs one set of buffers instead of one per layer and no
/// batch allocates.
///
/// ``withBuffer(count:_:)`` lends a buffer of at least `count` floats for the duration of the
/// closure. Buffers come back to the pool afterwards; concurrent users get distinct buffers.
public enum Workspace {
    private final class Block: @unchecked Sendable {  // owned by one borrower at a time
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
        init(capacity: Int) throws {
            guard capacity >= 0, capacity <= Storage.maxCount,
                  let raw = malloc(max(capacity, 1) * MemoryLayout<Float>.stride) else {
                throw EngineError("cannot allocate a scratch buffer of \(capacity) floats")
            }
            pointer = raw.assumingMemoryBound(to: Float.self)
            self.capacity = capacity
        }
        deinit { free(pointer) }
    }

    private static let pool = Mutex<[Block]>([])

    /// Runs `body` with a buffer of at least `count` floats (contents undefined).
    public static func withBuffer<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) throws -> R {
        let block = try take(count)
        defer { give(block) }
        return try body(block.pointer)
    }

    /// Runs `body` with two distinct buffers.
    public static func withBuffers<R>(_ a: Int, _ b: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R) throws -> R {
        try withBuffer(count: a) { pa in try withBuffer(count: b) { pb in try body(pa, pb) } }
    }

    /// Runs `body` with three distinct buffers.
    public static func withBuffers<R>(_ a: Int, _ b: Int, _ c: Int,
                                      _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R) throws -> R {
        try withBuffer(count: a) { pa in try withBuffer(count: b) { pb in try withBuffer(count: c) { pc in try body(pa, pb, pc) } } }
    }

    /// Frees every pooled buffer (they are re-created on demand).
    public static func releaseAll() {
        pool.withLock { $0.removeAll() }
    }

    /// Bytes currently held by idle pooled buffers.
    public static var pooledBytes: Int {
        pool.withLock { $0.reduce(0) { $0 + $1.capacity * 4 } }
    }

    /// Idle bytes kept at most; beyond it the largest idle blocks are freed.
    static let idleLimit = 256 << 20

    private static func take(_ count: Int) throws -> Block {
        // The smallest idle block that fits; else a new one, rounded up to a multiple of 256 K
        // floats so that layers of similar sizes share blocks.
        let reused: Block? = pool.withLock { blocks in
            guard let i = blocks.indices.filter({ blocks[$0].capacity >= count }).min(by: { blocks[$0].capacity < blocks[$1].capacity }) else { return nil }
            return blocks.remove(at: i)
        }
        if let reused { return reused }
        let granule = 1 << 18
        return try Block(capacity: (count + granule - 1) / granule * granule)
    }

    private static func give(_ block: Block) {
        pool.withLock { blocks in
            blocks.append(block)
            while blocks.reduce(0, { $0 + $1.capacity * 4 }) > idleLimit, let i = blocks.indices.max(by: { blocks[$0].capacity < blocks[$1].capacity }) {
                blocks.remove(at: i)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
