#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Freed large mappings (see ``MemoryBlock``), kept for the next allocation of the same size,
/// as caching allocators do: a loop that makes a new 40 MB result each step then reuses warm
/// memory instead of faulting in fresh pages every time. At most ``limit`` bytes are kept
/// (the oldest mappings go first); larger mappings go straight back to the system.
enum MappingPool {
    /// Most bytes of freed mappings kept for reuse.
    static let limit = 256 << 20

    /// Freed mappings (base address, length), most recent last.
    private static let freed = Mutex<[(base: UInt, length: Int)]>([])

    /// A kept mapping of exactly `length` bytes (the most recent one), or nil.
    static func take(length: Int) -> UnsafeMutableRawPointer? {
        freed.withLock { list in
            guard let i = list.lastIndex(where: { $0.length == length }) else { return nil }
            return UnsafeMutableRawPointer(bitPattern: list.remove(at: i).base)
        }
    }

    /// Keeps a freed mapping if it fits the pool (evicting the oldest ones); false if not kept.
    static func keep(_ base: UnsafeMutableRawPointer, length: Int) -> Bool {
        guard length <= limit / 2 else { return false }
        var evicted: [(base: UInt, length: Int)] = []
        freed.withLock { list in
            list.append((UInt(bitPattern: base), length))
            var total = list.reduce(0) { $0 + $1.length }
            while total > limit, let oldest = list.first {
                evicted.append(oldest)
                total -= oldest.length
                list.removeFirst()
            }
        }
        for e in evicted { munmap(UnsafeMutableRawPointer(bitPattern: e.base), e.length) }
        return true
    }

    /// Returns every kept mapping to the system.
    static func releaseAll() {
        let all = freed.withLock { list -> [(base: UInt, length: Int)] in
            defer { list.removeAll() }
            return list
        }
        for e in all { munmap(UnsafeMutableRawPointer(bitPattern: e.base), e.length) }
    }

    /// Bytes held by kept mappings.
    static var pooledBytes: Int {
        freed.withLock { $0.reduce(0) { $0 + $1.length } }
    }
}
