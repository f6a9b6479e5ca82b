extension String {
    /// The text with terminal control characters made visible: C0 controls other than
    /// newline and tab (ESC becomes `\x1b`, BEL `\x07`, CR `\x0d`), DEL (`\x7f`) and the C1
    /// controls U+0080–U+009F (`\u{9b}`, which some terminals read as CSI). Messages quote
    /// file content (headers, key names) and user strings; printed raw, an ESC sequence from
    /// a crafted file could recolour, retitle or rewrite the user's terminal.
    /// ``EngineError`` and the Lua bindings' errors pass every message through it.
    public var escapingControlCharacters: String {
        func needsEscape(_ v: UInt32) -> Bool { (v < 0x20 && v != 0x0A && v != 0x09) || (v >= 0x7F && v <= 0x9F) }
        guard unicodeScalars.contains(where: { needsEscape($0.value) }) else { return self }
        var result = ""
        result.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            let v = scalar.value
            if !needsEscape(v) {
                result.unicodeScalars.append(scalar)
            } else {
                let hex = String(v, radix: 16)
                result += v < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return result
    }
}
