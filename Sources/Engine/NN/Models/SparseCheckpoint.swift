/// Sparse checkpoints: each masked parameter stored as its packed mask plus its kept values.
///
/// Layout `bitmask-values`, version 1 (recorded in the checkpoint's metadata under `sparse` as
/// `{"layout": "bitmask-values", "version": 1, "bit_order": "little", "tensors": [names…]}`).
/// For every parameter `p` listed in `tensors` (n elements, k of them kept by its mask) the file
/// holds, instead of `p` and `p.mask`:
///
/// - `p.bits`: U8, shape [⌈n/8⌉] — the mask flattened in row-major order, element i in bit
///   i mod 8 (least significant first) of byte ⌊i/8⌋, the unused high bits of the last byte 0
///   (NumPy: `np.packbits(mask.ravel() != 0, bitorder="little")`);
/// - `p.values`: F32, shape [k] — the kept weights in row-major order.
///
/// Loading puts the values back where the mask is 1 and +0 elsewhere, which is exactly what a
/// masked parameter holds (``Parameter/setMask(_:)`` and every optimizer step zero the pruned
/// weights), so weights and masks come back bit for bit. At sparsity s a float32 weight costs
/// 1/8 + 4(1 − s) bytes instead of 4 (plus 4 for its dense mask): at 90% about 13% of the
/// dense weight, 6.6% of a dense weight with its mask. Bitmask + values beats CSR with 16-bit
/// column indices (2 + 4 bytes per kept weight plus row offsets) at every sparsity below ~94%,
/// and needs no index-width choice.
///
/// A parameter with no mask is stored dense as always; so is a masked one whose pruned
/// entries are not all +0 (it could not come back bit-exactly from this layout).
public enum SparseCheckpoint {
    /// The metadata key holding the layout description.
    public static let metadataKey = "sparse"
    /// The layout's name in the metadata.
    public static let layoutName = "bitmask-values"
    /// The layout's version.
    public static let layoutVersion = 1

    /// The entry holding the packed mask of parameter `name`.
    public static func bitsName(_ name: String) -> String { name + ".bits" }
    /// The entry holding the kept values of parameter `name`.
    public static func valuesName(_ name: String) -> String { name + ".values" }

    /// Bytes the layout needs for `count` weights of which `kept` are kept (⌈n/8⌉ + 4k), saturating.
    public static func storedBytes(count: Int, kept: Int) -> Int {
        (count / 8 + (count % 8 == 0 ? 0 : 1)).saturatingAdding(kept.saturatingMultiplied(by: 4))
    }

    /// The packed mask and the kept values of `value` under `mask` (both contiguous float32 of
    /// the same shape, the mask 0/1), or nil when a pruned entry of `value` is not +0.
    public static func encode(value: Tensor, mask: Tensor) throws -> (bits: [UInt8], values: Tensor)? {
        let v = try value.converted(to: .float32).contiguous(), m = try mask.converted(to: .float32).contiguous()
        let n = v.count
        guard m.count == n else { return nil }
        let vp = v.mutablePointer(as: Float.self), mp = m.mutablePointer(as: Float.self)
        var bits = [UInt8](repeating: 0, count: n / 8 + (n % 8 == 0 ? 0 : 1))
        var kept = 0
        for i in 0..<n {
            if mp[i] != 0 {
                bits[i >> 3] |= UInt8(1) << UInt8(i & 7)
                kept += 1
            } else if vp[i].bitPattern != 0 {
                return nil
            }
        }
        let values = try Tensor(shape: [kept], dtype: .float32, zeroed: false)
        let out = values.mutablePointer(as: Float.self)
        var j = 0
        for i in 0..<n where mp[i] != 0 { out[j] = vp[i]; j += 1 }
        return (bits, values)
    }

    /// The weights and the 0/1 mask of `shape` that `bits` and `values` encode. Throws (with a
    /// message naming `name`) when the bit count, the padding bits or the number of values do
    /// not match.
    public static func decode(bits: [UInt8], values: Tensor, shape: [Int], name: String) throws -> (value: Tensor, mask: Tensor) {
        let n = try Shape.validatedCount(shape)
        let bytes = n / 8 + (n % 8 == 0 ? 0 : 1)
        guard bits.count == bytes else {
            throw EngineError("sparse tensor '\(name)': \(bitsName(name)) has \(bits.count) bytes; \(n) weights need \(bytes)")
        }
        if n % 8 != 0, let last = bits.last, last >> UInt8(n % 8) != 0 {
            throw EngineError("sparse tensor '\(name)': the unused high bits of the last byte of \(bitsName(name)) must be 0")
        }
        let kept = bits.reduce(0) { $0 + $1.nonzeroBitCount }
        guard values.count == kept, values.dtype == .float32 else {
            throw EngineError("sparse tensor '\(name)': its mask keeps \(kept) weights but \(valuesName(name)) holds \(values.count)")
        }
        let value = try Tensor(zeros: shape), mask = try Tensor(zeros: shape)
        let vp = value.mutablePointer(as: Float.self), mp = mask.mutablePointer(as: Float.self)
        let src = try values.contiguous()
        let sp = src.mutablePointer(as: Float.self)
        var j = 0
        for i in 0..<n where bits[i >> 3] & (UInt8(1) << UInt8(i & 7)) != 0 {
            mp[i] = 1; vp[i] = sp[j]; j += 1
        }
        return (value, mask)
    }

    /// The metadata value describing the layout with `names` stored sparse.
    public static func metadata(names: [String]) -> String {
        JSON.object([("layout", .string(layoutName)), ("version", .integer(layoutVersion)), ("bit_order", .string("little")),
                     ("tensors", .array(names.map { .string($0) }))]).text
    }

    /// The parameter names a checkpoint's `sparse` metadata lists (empty when absent), after
    /// checking the layout, version and bit order. Errors name `path`.
    public static func names(inMetadata metadata: [String: String], path: String) throws -> [String] {
        guard let text = metadata[metadataKey] else { return [] }
        func bad(_ problem: String) -> EngineError {
            EngineError.file(path, "bad sparse layout in the metadata: \(problem) (expected {\"layout\": \"\(layoutName)\", \"version\": \(layoutVersion), \"bit_order\": \"little\", \"tensors\": [names…]})")
        }
        guard let json = try? JSON.parse(Array(text.utf8)), case .object = json else { throw bad("not a JSON object") }
        guard json["layout"]?.stringValue == layoutName else { throw bad("layout \(json["layout"]?.text ?? "missing") is not supported") }
        guard json["version"]?.intValue == layoutVersion else { throw bad("version \(json["version"]?.text ?? "missing") is not supported") }
        guard json["bit_order"]?.stringValue == "little" else { throw bad("bit_order \(json["bit_order"]?.text ?? "missing") is not supported") }
        guard case .array(let items)? = json["tensors"] else { throw bad("no tensors array") }
        let names = items.compactMap(\.stringValue)
        guard names.count == items.count else { throw bad("tensors must be an array of parameter names") }
        guard Set(names).count == names.count else { throw bad("a tensor is listed twice") }
        return names
    }
}
