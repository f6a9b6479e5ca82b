/// Escape sequences that draw an image inside a terminal. Which one a terminal understands is
/// the front end's decision (the shell reads TERM and friends); these only encode.
public enum TerminalImage {
    public enum Kind: String, Sendable, CaseIterable {
        /// kitty's graphics protocol (also WezTerm, Ghostty, Konsole): `ESC _G … ESC \` with PNG data.
        case kitty
        /// iTerm2's inline images (also WezTerm, mintty): `ESC ]1337;File=…:base64 BEL`.
        case iterm
        /// DEC sixel graphics (xterm -ti vt340, mlterm, foot, …).
        case sixel
    }

    /// kitty: PNG bytes in base64 chunks of at most 4096 characters (`m=1` on all but the last).
    public static func kitty(png: [UInt8]) -> String {
        let data = Array(base64(png).utf8)
        var out = ""
        var start = 0
        repeat {
            let end = min(start + 4096, data.count)
            let more = end < data.count
            let chunk = String(decoding: data[start..<end], as: UTF8.self)
            out += start == 0 ? "\u{1B}_Ga=T,f=100,q=2,m=\(more ? 1 : 0);\(chunk)\u{1B}\\" : "\u{1B}_Gm=\(more ? 1 : 0);\(chunk)\u{1B}\\"
            start = end
        } while start < data.count
        return out + "\n"
    }

    /// iTerm2 inline image of PNG bytes.
    public static func iterm(png: [UInt8], name: String = "figure.png") -> String {
        "\u{1B}]1337;File=name=\(base64(Array(name.utf8)));size=\(png.count);inline=1;preserveAspectRatio=1:\(base64(png))\u{07}\n"
    }

    /// Sixel of an RGBA image over white, colours quantised to a 6 × 6 × 6 cube.
    public static func sixel(_ image: Image) -> String {
        var out = "\u{1B}Pq\"1;1;\(image.width);\(image.height)"
        func level(_ v: UInt8, _ a: UInt8) -> Int {
            let over = (Int(v) * Int(a) + 255 * (255 - Int(a))) / 255   // composite on white
            return (over * 5 + 127) / 255
        }
        for i in 0..<216 {
            out += "#\(i);2;\((i / 36) * 20);\((i / 6 % 6) * 20);\((i % 6) * 20)"
        }
        var index = [Int](repeating: 0, count: image.width * image.height)
        for p in 0..<(image.width * image.height) {
            let o = 4 * p, a = image.rgba[o + 3]
            index[p] = level(image.rgba[o], a) * 36 + level(image.rgba[o + 1], a) * 6 + level(image.rgba[o + 2], a)
        }
        var band = 0
        while band < image.height {
            var used = [Bool](repeating: false, count: 216)
            for y in band..<min(band + 6, image.height) {
                for x in 0..<image.width { used[index[y * image.width + x]] = true }
            }
            var first = true
            for colour in 0..<216 where used[colour] {
                if !first { out += "$" }
                first = false
                out += "#\(colour)"
                var run = 0, previous: Character = "?"
                func flush() {
                    guard run > 0 else { return }
                    out += run > 3 ? "!\(run)\(previous)" : String(repeating: previous, count: run)
                }
                for x in 0..<image.width {
                    var bits = 0
                    for k in 0..<6 where band + k < image.height && index[(band + k) * image.width + x] == colour { bits |= 1 << k }
                    let ch = Character(Unicode.Scalar(UInt8(63 + bits)))
                    if ch == previous { run += 1 } else { flush(); previous = ch; run = 1 }
                }
                flush()
            }
            out += "-"
            band += 6
        }
        return out + "\u{1B}\\\n"
    }

    /// Standard base64 (RFC 4648) with padding.
    public static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
