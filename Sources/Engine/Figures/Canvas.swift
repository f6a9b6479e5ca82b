/// A point in figure coordinates: points (1/72 inch), origin at the top left, y down.
public struct Point: Sendable, Equatable {
    public var x: Double, y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// A rectangle in figure coordinates.
public struct Rect: Sendable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }
}

/// Where a text's anchor point sits on the text.
public enum HorizontalAnchor: Sendable { case start, middle, end }
public enum VerticalAnchor: Sendable { case top, middle, baseline, bottom }

/// A drawing surface for figures. ``CairoCanvas`` draws PNG and PDF; ``SVGCanvas`` writes SVG
/// with real `<text>` elements. Text is DejaVu Sans; sizes are in points.
public protocol Canvas: AnyObject {
    func fill(_ rect: Rect, _ color: Color)
    /// Fills without antialiasing, so that tiles (heatmap cells, colorbar steps) meet without seams.
    func fillTile(_ rect: Rect, _ color: Color)
    func stroke(_ rect: Rect, _ color: Color, width: Double)
    func fill(polygon: [Point], _ color: Color)
    func stroke(polyline: [Point], _ color: Color, width: Double, dash: [Double])
    func fill(circle center: Point, radius: Double, _ color: Color)
    /// Draws `text` with its anchor at `point`, rotated `angle` degrees counter-clockwise about it.
    func text(_ text: String, at point: Point, size: Double, color: Color,
              horizontal: HorizontalAnchor, vertical: VerticalAnchor, angle: Double, bold: Bool)
    /// Restricts drawing to `rect` until ``resetClip()``.
    func clip(_ rect: Rect)
    func resetClip()
}

extension Canvas {
    func stroke(line a: Point, _ b: Point, _ color: Color, width: Double) {
        stroke(polyline: [a, b], color, width: width, dash: [])
    }

    func text(_ text: String, at point: Point, size: Double, color: Color = .axis,
              _ horizontal: HorizontalAnchor, _ vertical: VerticalAnchor, angle: Double = 0, bold: Bool = false) {
        self.text(text, at: point, size: size, color: color, horizontal: horizontal, vertical: vertical, angle: angle, bold: bold)
    }

    /// A NaN cell: light grey with a diagonal hatch.
    func hatched(_ rect: Rect) {
        fillTile(rect, .nanFill)
        clip(rect)
        let step = 4.0
        var d = -rect.height
        while d < rect.width {
            stroke(line: Point(rect.x + d, rect.maxY), Point(rect.x + d + rect.height, rect.y), .nanHatch, width: 0.6)
            d += step
        }
        resetClip()
    }
}
