/// One tensor taking part in a pruning pass: its weights, its current mask (nil when dense)
/// and where its new mask goes.
struct PruningSegment {
    let values: UnsafeMutablePointer<Float>
    let mask: UnsafeMutablePointer<Float>?
    let newMask: UnsafeMutablePointer<Float>
    let count: Int

    /// Weights already masked out.
    var maskedCount: Int {
        guard let mask else { return 0 }
        var n = 0
        for i in 0..<count { n &+= mask[i] == 0 ? 1 : 0 }
        return n
    }
}

/// Exact selection of the k smallest weights in absolute value, with a deterministic tie rule
/// and no per-weight allocation (magnitude pruning, Han et al. 2015).
///
/// Every weight gets a 32-bit key: 0 if it is already masked out, else the bit pattern of |w|
/// plus one (for non-negative IEEE floats the bit pattern orders like the value, so the keys
/// order weights by magnitude, with masked weights first). A two-pass radix select (a
/// 65,536-bin histogram of the high 16 bits, then of the low 16 bits inside the chosen bin)
/// finds the key v of the k-th smallest weight, in O(n) time and no sort. The k weights pruned
/// are then those with key < v plus the first ones (in index order, across tensors in layer
/// order) with key = v — ties are broken by position.
enum MagnitudeSelection {
    @inline(__always)
    static func key(_ w: Float) -> UInt32 {
        (w.bitPattern & 0x7FFF_FFFF) &+ 1
    }

    /// Calls `body(index, key)` for every weight of `s`, with the mask test hoisted out of the
    /// loop for dense tensors.
    @inline(__always)
    static func forEachKey(_ s: PruningSegment, _ body: (Int, UInt32) -> Void) {
        let w = s.values
        if let m = s.mask {
            // Branch-free: all ones when the mask entry's bits are non-zero (1.0), else zero.
            m.withMemoryRebound(to: UInt32.self, capacity: s.count) { bits in
                for i in 0..<s.count {
                    let b = bits[i]
                    let keep = UInt32(bitPattern: Int32(bitPattern: b | (0 &- b)) >> 31)
                    body(i, key(w[i]) & keep)
                }
            }
        } else {
            for i in 0..<s.count { body(i, key(w[i])) }
        }
    }

    /// Where the k smallest keys end: every key below `key` is pruned, and the first `ties`
    /// (in order) of those equal to it.
    struct Threshold {
        let key: UInt32
        let ties: Int
        /// Nothing to prune (k = 0) or everything (k = total).
        let all: Bool?
    }

    /// The threshold of the `k` smallest-keyed weights of all `segments` together (passes 1
    /// and 2; nothing is written). `names` label the segments in errors (NaN weights).
    static func threshold(_ segments: [PruningSegment], k: Int, names: [String]) throws -> Threshold {
        let total = segments.reduce(0) { $0 + $1.count }
        guard k > 0 else { return Threshold(key: 0, ties: 0, all: false) }
        guard k < total else { return Threshold(key: 0, ties: 0, all: true) }
        // Pass 1: histogram of the high halves (and the NaN check).
        var histogram = [Int](repeating: 0, count: 1 << 16)
        try histogram.withUnsafeMutableBufferPointer { h in
            for (j, s) in segments.enumerated() {
                // Keys above +∞'s (0x7F80_0001) are NaNs; count them exactly only if the top
                // bins are occupied at all.
                let before = h[0x7F80...].reduce(0, +)
                forEachKey(s) { _, kv in h[Int(kv >> 16)] += 1 }
                var nan = 0
                if h[0x7F80...].reduce(0, +) > before {
                    for i in 0..<s.count where s.values[i].isNaN { nan += 1 }
                }
                if nan > 0 {
                    throw EngineError("\(names[j]) has \(nan) NaN weight\(nan == 1 ? "" : "s"): magnitude pruning needs finite weights (did training diverge?)", kind: .numerical)
                }
                try Cancellation.check()
            }
        }
        let (high, belowHigh) = crossing(histogram, rank: k)
        // Pass 2: histogram of the low halves inside the chosen high bin.
        histogram.withUnsafeMutableBufferPointer { h in
            h.update(repeating: 0)
            for s in segments {
                forEachKey(s) { _, kv in if Int(kv >> 16) == high { h[Int(kv & 0xFFFF)] += 1 } }
            }
        }
        let (low, belowLow) = crossing(histogram, rank: k - belowHigh)
        return Threshold(key: UInt32(high << 16 | low), ties: k - belowHigh - belowLow, all: nil)
    }

    /// Pass 3: writes each segment's `newMask` (1 kept, 0 pruned) from `threshold`. `newMask`
    /// may be the segment's current mask (each entry is read before it is written).
    static func mark(_ segments: [PruningSegment], _ threshold: Threshold) {
        if let all = threshold.all {
            for s in segments { s.newMask.update(repeating: all ? 0 : 1, count: s.count) }
            return
        }
        let t = threshold.key
        var ties = threshold.ties
        for s in segments {
            let out = s.newMask
            forEachKey(s) { i, kv in
                var pruned = kv < t
                if kv == t && ties > 0 {
                    pruned = true
                    ties -= 1
                }
                out[i] = pruned ? 0 : 1
            }
        }
    }

    /// Marks in each segment's `newMask` (1 kept, 0 pruned) the `k` smallest-keyed weights
    /// of all `segments` together.
    static func prune(_ segments: [PruningSegment], k: Int, names: [String]) throws {
        mark(segments, try threshold(segments, k: k, names: names))
    }

    /// The bin holding the `rank`-th smallest element (1-based) and the count in earlier bins.
    private static func crossing(_ histogram: [Int], rank: Int) -> (bin: Int, below: Int) {
        var below = 0
        for (bin, n) in histogram.enumerated() {
            if below + n >= rank { return (bin, below) }
            below += n
        }
        return (histogram.count - 1, below)
    }
}
