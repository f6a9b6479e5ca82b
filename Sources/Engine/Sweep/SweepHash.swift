/// FNV-1a, 64 bits (Fowler, Noll, Vo): a stable, platform-independent hash for job ids and
/// spec fingerprints. Not cryptographic: it detects change, it does not resist forgery.
public enum SweepHash {
    /// The FNV-1a 64-bit hash of `bytes`.
    public static func fnv1a<C: Sequence<UInt8>>(_ bytes: C) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The hash as 16 lowercase hex digits.
    public static func hex(_ value: UInt64, digits: Int = 16) -> String {
        let text = String(value, radix: 16)
        let full = String(repeating: "0", count: max(0, 16 - text.count)) + text
        return String(full.prefix(digits))
    }
}
