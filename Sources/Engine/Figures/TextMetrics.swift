import CCairo

/// cairo is loaded when the first figure is drawn (see Sources/CCairo), never at start-up.
enum CairoLibrary {
    /// Loads cairo, or throws why it cannot.
    static func require() throws {
        guard prunelab_cairo_load() != 0 else { throw EngineError("plot: " + String(cString: prunelab_cairo_error())) }
    }
}

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
        try CairoLibrary.require()
        guard let surface = plc_cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else {
            throw EngineError("plot: cannot create a cairo surface")
        }
        guard let context = plc_cairo_create(surface), plc_cairo_status(context) == CAIRO_STATUS_SUCCESS else {
            plc_cairo_surface_destroy(surface)
            throw EngineError("plot: cannot create a cairo context")
        }
        self.surface = surface
        self.context = context
        TextMetrics.configure(context)
    }

    deinit {
        plc_cairo_destroy(context)
        plc_cairo_surface_destroy(surface)
    }

    /// Unhinted metrics and the font face, on every context that draws or measures text.
    static func configure(_ context: OpaquePointer) {
        if let options = plc_cairo_font_options_create() {
            plc_cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            plc_cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
            plc_cairo_set_font_options(context, options)
            plc_cairo_font_options_destroy(options)
        }
    }

    static func select(_ context: OpaquePointer, size: Double, bold: Bool) {
        plc_cairo_select_font_face(context, family, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        plc_cairo_set_font_size(context, size)
    }

    private struct Key: Hashable { let text: String; let size: Double; let bold: Bool }
    private var widths: [Key: Double] = [:]
    private var selected: (Double, Bool)?

    /// The advance width of `text` at `size` points (measured once per text, size and weight).
    public func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        let key = Key(text: text, size: size, bold: bold)
        if let w = widths[key] { return w }
        if selected.map({ $0.0 != size || $0.1 != bold }) ?? true {
            TextMetrics.select(context, size: size, bold: bold)
            selected = (size, bold)
        }
        var extents = cairo_text_extents_t()
        plc_cairo_text_extents(context, text, &extents)
        widths[key] = extents.x_advance
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
