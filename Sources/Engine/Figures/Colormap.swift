/// A colormap: values in 0…1 to colours, as matplotlib maps them.
///
/// viridis and magma are matplotlib's 256-entry listed maps (a value v picks entry
/// ⌊256·v⌋, clipped to 0…255); coolwarm is Moreland's diverging map sampled at 256 entries by
/// linear interpolation between its 33 control points (matplotlib's `LinearSegmentedColormap`
/// with N = 256). The data are in `ColormapData.swift`.
public struct Colormap: Sendable {
    /// The name users give (`"viridis"`).
    public let name: String
    /// 256 colours, low to high.
    public let entries: [Color]

    /// The names that ``named(_:)`` knows.
    public static let names = ["viridis", "magma", "coolwarm"]

    /// The colormap called `name`, or an error listing the known names.
    public static func named(_ name: String) throws -> Colormap {
        switch name {
        case "viridis": return viridis
        case "magma": return magma
        case "coolwarm": return coolwarm
        default:
            throw EngineError.invalid("colormap", expected: "one of " + names.map { "\"\($0)\"" }.joined(separator: ", "), given: "\"\(name)\"")
        }
    }

    public static let viridis = Colormap(name: "viridis", entries: listed(viridisData))
    public static let magma = Colormap(name: "magma", entries: listed(magmaData))
    public static let coolwarm = Colormap(name: "coolwarm", entries: segmented(coolwarmPoints))

    /// The colour of `t` in 0…1 (values outside are clipped); nil for NaN.
    public func color(_ t: Double) -> Color? {
        guard !t.isNaN else { return nil }
        return entries[Colormap.index(t, count: entries.count)]
    }

    /// matplotlib's lookup: ⌊t·N⌋ clipped to 0…N−1 (so t = 1 is the last entry).
    static func index(_ t: Double, count: Int) -> Int {
        let x = (t * Double(count)).rounded(.down)
        if !(x >= 0) { return 0 }
        if x >= Double(count - 1) { return count - 1 }
        return Int(x)
    }

    private static func listed(_ flat: [Double]) -> [Color] {
        stride(from: 0, to: flat.count - 2, by: 3).map { Color(flat[$0], flat[$0 + 1], flat[$0 + 2]) }
    }

    private static func segmented(_ flat: [Double], count: Int = 256) -> [Color] {
        var points: [(Double, Double, Double, Double)] = []
        for j in stride(from: 0, to: flat.count - 3, by: 4) { points.append((flat[j], flat[j + 1], flat[j + 2], flat[j + 3])) }
        var colors: [Color] = []
        for i in 0..<count {
            let x = Double(i) / Double(count - 1)
            var k = 1
            while k < points.count - 1 && points[k].0 < x { k += 1 }
            let p0 = points[k - 1], p1 = points[k]
            let dx: Double = p1.0 - p0.0
            var f: Double = dx > 0 ? (x - p0.0) / dx : 0
            f = min(max(f, 0), 1)
            let r: Double = p0.1 + f * (p1.1 - p0.1)
            let g: Double = p0.2 + f * (p1.2 - p0.2)
            let b: Double = p0.3 + f * (p1.3 - p0.3)
            colors.append(Color(r, g, b))
        }
        return colors
    }
}
