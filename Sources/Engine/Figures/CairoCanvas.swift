import CCairo

/// A ``Canvas`` over a cairo context (PNG through an image surface, PDF through a PDF surface).
final class CairoCanvas: Canvas {
    let context: OpaquePointer
    let metrics: TextMetrics

    init(context: OpaquePointer, metrics: TextMetrics) {
        self.context = context
        self.metrics = metrics
        TextMetrics.configure(context)
        plc_cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        plc_cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
    }

    private func set(_ c: Color) { plc_cairo_set_source_rgba(context, c.red, c.green, c.blue, c.alpha) }

    func fill(_ rect: Rect, _ color: Color) {
        set(color)
        plc_cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        plc_cairo_fill(context)
    }

    func fillTile(_ rect: Rect, _ color: Color) {
        plc_cairo_set_antialias(context, CAIRO_ANTIALIAS_NONE)
        fill(rect, color)
        plc_cairo_set_antialias(context, CAIRO_ANTIALIAS_DEFAULT)
    }

    func stroke(_ rect: Rect, _ color: Color, width: Double) {
        set(color)
        plc_cairo_set_line_width(context, width)
        plc_cairo_set_dash(context, nil, 0, 0)
        plc_cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        plc_cairo_stroke(context)
    }

    func fill(polygon: [Point], _ color: Color) {
        guard let first = polygon.first else { return }
        set(color)
        plc_cairo_move_to(context, first.x, first.y)
        for p in polygon.dropFirst() { plc_cairo_line_to(context, p.x, p.y) }
        plc_cairo_close_path(context)
        plc_cairo_fill(context)
    }

    func stroke(polyline: [Point], _ color: Color, width: Double, dash: [Double]) {
        guard let first = polyline.first, polyline.count > 1 else { return }
        set(color)
        plc_cairo_set_line_width(context, width)
        dash.withUnsafeBufferPointer { plc_cairo_set_dash(context, $0.baseAddress, Int32($0.count), 0) }
        plc_cairo_move_to(context, first.x, first.y)
        for p in polyline.dropFirst() { plc_cairo_line_to(context, p.x, p.y) }
        plc_cairo_stroke(context)
        plc_cairo_set_dash(context, nil, 0, 0)
    }

    func fill(circle center: Point, radius: Double, _ color: Color) {
        set(color)
        plc_cairo_new_sub_path(context)
        plc_cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
        plc_cairo_fill(context)
    }

    func text(_ text: String, at point: Point, size: Double, color: Color,
              horizontal: HorizontalAnchor, vertical: VerticalAnchor, angle: Double, bold: Bool) {
        let width = metrics.width(text, size: size, bold: bold)
        plc_cairo_save(context)
        set(color)
        TextMetrics.select(context, size: size, bold: bold)
        plc_cairo_translate(context, point.x, point.y)
        if angle != 0 { plc_cairo_rotate(context, -angle * Double.pi / 180) }
        let dx: Double
        switch horizontal {
        case .start: dx = 0
        case .middle: dx = -width / 2
        case .end: dx = -width
        }
        plc_cairo_move_to(context, dx, TextMetrics.baselineOffset(vertical, size: size))
        plc_cairo_show_text(context, text)
        plc_cairo_restore(context)
    }

    func clip(_ rect: Rect) {
        plc_cairo_save(context)
        plc_cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        plc_cairo_clip(context)
    }

    func resetClip() { plc_cairo_restore(context) }
}
