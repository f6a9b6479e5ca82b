import CCairo

/// Text sizes for layout: widths measured by cairo with DejaVu Sans (found through
/// fontconfig), vertical metrics DejaVu Sans's own, so that PNG, PDF and SVG lay out alike.
///
/// Created per drawing (the font loads on first use, never at start-up).
public final class TextMetrics {
    private let surface: OpaquePointer
    private let context: OpaquePointer

    public static let family = "DejaVu Sans"
    /// DejaVu Sans: cap height and descent as fractions of the font size.
    static let capHeight = 0.729
    static let descent = 0.236

    public init() throws {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else {
            throw EngineError("plot: cannot create a cairo surface")
        }
        guard let context = cairo_create(surface), cairo_status(context) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw EngineError("plot: cannot create a cairo context")
        }
        self.surface = surface
        self.context = context
        TextMetrics.configure(context)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Unhinted metrics and the font face, on every context that draws or measures text.
    static func configure(_ context: OpaquePointer) {
        if let options = cairo_font_options_create() {
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            cairo_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }
    }

    static func select(_ context: OpaquePointer, size: Double, bold: Bool) {
        cairo_select_font_face(context, family, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// The advance width of `text` at `size` points.
    public func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        TextMetrics.select(context, size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// The height a line of text occupies (cap height plus descent).
    public func height(size: Double) -> Double { size * (TextMetrics.capHeight + TextMetrics.descent) }

    /// The baseline's offset below the anchor for a vertical anchor.
    static func baselineOffset(_ vertical: VerticalAnchor, size: Double) -> Double {
        switch vertical {
        case .top: return capHeight * size
        case .middle: return capHeight * size / 2
        case .baseline: return 0
        case .bottom: return -descent * size
        }
    }
}
