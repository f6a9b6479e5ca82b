/// Which samples of a ``SampleStore`` a dataset view shows, in order: view index `i`
/// (0-based) is store sample `self[i]`.
///
/// A contiguous run (the whole store, or `subset(first, count)` of one) costs nothing; an
/// arbitrary selection (a split, a subset of a split) shares one index array between views.
public struct IndexMap: Sendable, Equatable {
    private enum Storage: Sendable, Equatable {
        case range(Range<Int>)
        case list(ArraySlice<Int>)
    }

    private let storage: Storage

    /// Store samples `range`, in order.
    public init(range: Range<Int>) { storage = .range(range) }

    /// Store samples `list`, in order (indices are trusted to lie in the store).
    public init(list: [Int]) { storage = .list(list[...]) }

    private init(slice: ArraySlice<Int>) { storage = .list(slice) }

    /// Number of samples in the view.
    public var count: Int {
        switch storage {
        case .range(let r): r.count
        case .list(let l): l.count
        }
    }

    /// Store index of view sample `i` (0-based; the caller checks `0 ≤ i < count`).
    @inline(__always)
    public subscript(i: Int) -> Int {
        switch storage {
        case .range(let r): r.lowerBound + i
        case .list(let l): l[l.startIndex + i]
        }
    }

    /// Whether the view shows store samples `0..<n` in order (every sample of an `n`-sample store).
    public func isIdentity(over n: Int) -> Bool {
        if case .range(let r) = storage { return r == 0..<n }
        return false
    }

    /// The view samples `start..<start + length` (bounds checked by the caller), sharing storage.
    public func slice(_ start: Int, _ length: Int) -> IndexMap {
        switch storage {
        case .range(let r): IndexMap(range: (r.lowerBound + start)..<(r.lowerBound + start + length))
        case .list(let l): IndexMap(slice: l[(l.startIndex + start)..<(l.startIndex + start + length)])
        }
    }

    /// The view samples at `positions` (0-based view indices, trusted), as a new list.
    public func picking(_ positions: ArraySlice<Int>) -> IndexMap {
        IndexMap(list: positions.map { self[$0] })
    }

    /// A short description: `[1…1000]` (1-based, inclusive) or `[5000 chosen]`.
    public var summary: String {
        switch storage {
        case .range(let r): r.isEmpty ? "[none]" : "[\(r.lowerBound + 1)…\(r.upperBound)]"
        case .list(let l): "[\(l.count) chosen]"
        }
    }
}
