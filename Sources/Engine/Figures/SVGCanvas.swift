/// A ``Canvas`` that writes SVG 1.1 by hand, so that titles, labels and tick labels are real
/// `<text>` elements (cairo's SVG surface turns glyphs into paths). Numbers are written with
/// two decimals, so the same figure gives the same bytes.
final class SVGCanvas: Canvas {
    private(set) var body = ""
    let metrics: TextMetrics
    private var clips = 0
    private var openGroups = 0

    init(metrics: TextMetrics) { self.metrics = metrics }

    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let scaled = (v * 100).rounded()
        let negative = scaled < 0
        let magnitude = Int(abs(scaled).rounded())
        let whole = magnitude / 100, fraction = magnitude % 100
        var s = (negative && magnitude != 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            s += "." + (fraction < 10 ? "0" : "") + String(fraction)
            while s.hasSuffix("0") { s.removeLast() }
        }
        return s
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    private func paint(_ c: Color, _ attribute: String) -> String {
        var s = "\(attribute)=\"\(c.hexString)\""
        if c.alpha < 1 { s += " \(attribute)-opacity=\"\(SVGCanvas.number(c.alpha))\"" }
        return s
    }

    private func points(_ ps: [Point]) -> String {
        ps.map { "\(SVGCanvas.number($0.x)),\(SVGCanvas.number($0.y))" }.joined(separator: " ")
    }

    private func n(_ v: Double) -> String { SVGCanvas.number(v) }

    func fill(_ rect: Rect, _ color: Color) {
        body += "<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" \(paint(color, "fill"))/>\n"
    }

    func fillTile(_ rect: Rect, _ color: Color) {
        body += "<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" \(paint(color, "fill")) shape-rendering=\"crispEdges\"/>\n"
    }

    func stroke(_ rect: Rect, _ color: Color, width: Double) {
        body += "<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" fill=\"none\" \(paint(color, "stroke")) stroke-width=\"\(n(width))\"/>\n"
    }

    func fill(polygon: [Point], _ color: Color) {
        guard polygon.count > 2 else { return }
        body += "<polygon points=\"\(points(polygon))\" \(paint(color, "fill"))/>\n"
    }

    func stroke(polyline: [Point], _ color: Color, width: Double, dash: [Double]) {
        guard polyline.count > 1 else { return }
        var s = "<polyline points=\"\(points(polyline))\" fill=\"none\" \(paint(color, "stroke")) stroke-width=\"\(n(width))\" stroke-linejoin=\"round\""
        if !dash.isEmpty { s += " stroke-dasharray=\"\(dash.map(n).joined(separator: ","))\"" }
        body += s + "/>\n"
    }

    func fill(circle center: Point, radius: Double, _ color: Color) {
        body += "<circle cx=\"\(n(center.x))\" cy=\"\(n(center.y))\" r=\"\(n(radius))\" \(paint(color, "fill"))/>\n"
    }

    func text(_ text: String, at point: Point, size: Double, color: Color,
              horizontal: HorizontalAnchor, vertical: VerticalAnchor, angle: Double, bold: Bool) {
        let anchor: String
        switch horizontal {
        case .start: anchor = "start"
        case .middle: anchor = "middle"
        case .end: anchor = "end"
        }
        let dy = TextMetrics.baselineOffset(vertical, size: size)
        var s = "<text x=\"\(n(point.x))\" y=\"\(n(point.y + dy))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" \(paint(color, "fill"))"
        if bold { s += " font-weight=\"bold\"" }
        if angle != 0 { s += " transform=\"rotate(\(n(-angle)) \(n(point.x)) \(n(point.y)))\"" }
        body += s + ">\(SVGCanvas.escape(text))</text>\n"
    }

    func clip(_ rect: Rect) {
        clips += 1
        body += "<clipPath id=\"c\(clips)\"><rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\"/></clipPath>\n<g clip-path=\"url(#c\(clips))\">\n"
        openGroups += 1
    }

    func resetClip() {
        guard openGroups > 0 else { return }
        openGroups -= 1
        body += "</g>\n"
    }

    /// The whole document for a figure of `width` × `height` points.
    func document(width: Double, height: Double) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(n(width))pt" height="\(n(height))pt" viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Bitstream Vera Sans, sans-serif">

        """ + body + "</svg>\n"
    }
}
