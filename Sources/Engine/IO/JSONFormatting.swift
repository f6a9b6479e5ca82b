extension JSON {
    /// JSON text indented by `indent` spaces per level, as Python's `json.dumps(v, indent=n)`:
    /// one array element or object member per line, `": "` after keys, empty arrays and objects
    /// as `[]` and `{}`. With `indent` 0 or less it is the compact ``text``. Non-finite numbers
    /// are written as `null` (JSON has no NaN or infinity).
    public func text(indent: Int) -> String {
        guard indent > 0 else { return text }
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private func write(into out: inout String, indent: Int, level: Int) {
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                item.write(into: &out, indent: indent, level: level + 1)
            }
            out += "\n" + outer + "]"
        case .object(let pairs) where !pairs.isEmpty:
            out += "{\n"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += ",\n" }
                out += inner
                JSON.writeString(pair.key, into: &out)
                out += ": "
                pair.value.write(into: &out, indent: indent, level: level + 1)
            }
            out += "\n" + outer + "}"
        default:
            out += text
        }
    }
}
