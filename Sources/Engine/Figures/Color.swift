/// An RGBA colour with components in 0…1.
public struct Color: Sendable, Equatable {
    public var red: Double, green: Double, blue: Double, alpha: Double

    public init(_ red: Double, _ green: Double, _ blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ a: Double) -> Color { Color(red, green, blue, alpha: a) }

    /// Relative luminance (ITU-R BT.709 weights on the stored components): picks black or white text.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    /// `#rrggbb` (alpha is written separately by SVG).
    public var hexString: String {
        func byte(_ v: Double) -> String {
            let b = Int((min(max(v, 0), 1) * 255).rounded())
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + byte(red) + byte(green) + byte(blue)
    }

    public static let black = Color(0, 0, 0)
    public static let white = Color(1, 1, 1)
    /// Axis and tick colour.
    public static let axis = Color(hex: 0x262626)
    /// Light grid lines.
    public static let grid = Color(hex: 0xE5E5E5)
    /// Fill of a NaN heatmap cell (with a darker hatch, ``nanHatch``).
    public static let nanFill = Color(hex: 0xD9D9D9)
    public static let nanHatch = Color(hex: 0x8C8C8C)

    /// matplotlib's default colour cycle ("tab10"), used for successive series.
    public static let cycle: [Color] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { Color(hex: $0) }

    /// The `i`-th colour of the cycle (wrapping).
    public static func series(_ i: Int) -> Color { cycle[((i % cycle.count) + cycle.count) % cycle.count] }
}
