import CCairo

/// A figure's bytes in a file format: PNG (cairo image surface), PDF (cairo PDF surface, with
/// fixed metadata so that the bytes do not change between runs) or SVG (``SVGCanvas``).
public enum FigureOutput {
    public enum Format: String, Sendable, CaseIterable {
        case png, pdf, svg
    }

    /// The format named by `path`'s extension, or an error naming the known ones.
    public static func format(of path: String) throws -> Format {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), let format = Format(rawValue: name[name.index(after: dot)...].lowercased()) else {
            throw EngineError.invalid("file name \"\(path)\"", expected: "an extension .png, .svg or .pdf", given: name.contains(".") ? "." + (name.split(separator: ".").last.map(String.init) ?? "") : "none")
        }
        return format
    }

    /// Size of an output: inches and pixels per inch (PNG).
    public struct Size: Sendable {
        public var width: Double, height: Double, dpi: Double
        public init(width: Double, height: Double, dpi: Double) { self.width = width; self.height = height; self.dpi = dpi }
        var points: (Double, Double) { (width * 72, height * 72) }
        /// Checked pixel dimensions for PNG.
        func pixels() throws -> (Int, Int) {
            guard width > 0, height > 0, dpi > 0, width.isFinite, height.isFinite, dpi.isFinite else {
                throw EngineError.invalid("size", expected: "positive width, height (inches) and dpi", given: "\(width) × \(height) at \(dpi) dpi")
            }
            let w = (width * dpi).rounded(), h = (height * dpi).rounded()
            guard w >= 16, h >= 16, w <= 16384, h <= 16384 else {
                throw EngineError.invalid("size", expected: "16 to 16384 pixels a side (width and height are inches, dpi pixels per inch)",
                                          given: "\(Int(w)) × \(Int(h)) pixels")
            }
            return (Int(w), Int(h))
        }
    }

    /// The figure's bytes in `format`.
    public static func bytes(_ figure: Figure, format: Format, size: Size? = nil) throws -> [UInt8] {
        let size = size ?? Size(width: figure.width, height: figure.height, dpi: figure.dpi)
        switch format {
        case .png: return try png(figure, size: size)
        case .pdf: return try pdf(figure, size: size)
        case .svg: return Array(try svg(figure, size: size).utf8)
        }
    }

    /// Writes the figure to `path` atomically, in the format its extension names.
    public static func save(_ figure: Figure, to path: String, size: Size? = nil) throws {
        let format = try format(of: path)
        let data = try bytes(figure, format: format, size: size)
        try FileIO.writeAtomically(path, data)
    }

    /// Draws into an RGBA image and returns it with the layout (tests read pixels from it).
    public static func raster(_ figure: Figure, size: Size? = nil) throws -> (Image, FigureLayout) {
        let size = size ?? Size(width: figure.width, height: figure.height, dpi: figure.dpi)
        let (w, h) = try size.pixels()
        let surface = try imageSurface(w, h)
        defer { plc_cairo_surface_destroy(surface) }
        let layout = try render(figure, on: surface, size: size)
        return (Image(surface: surface), layout)
    }

    static func imageSurface(_ w: Int, _ h: Int) throws -> OpaquePointer {
        try CairoLibrary.require()
        guard let surface = plc_cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)),
              plc_cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw EngineError("plot: cannot create a \(w) × \(h) image (out of memory?)")
        }
        return surface
    }

    /// Draws `figure` on a cairo surface scaled from points.
    @discardableResult
    static func render(_ figure: Figure, on surface: OpaquePointer, size: Size, scale: Double? = nil) throws -> FigureLayout {
        guard let context = plc_cairo_create(surface) else { throw EngineError("plot: cannot create a cairo context") }
        defer { plc_cairo_destroy(context) }
        let s = scale ?? size.dpi / 72
        plc_cairo_scale(context, s, s)
        let metrics = try TextMetrics()
        let (w, h) = size.points
        let layout = try FigureRenderer(metrics: metrics).draw(figure, on: CairoCanvas(context: context, metrics: metrics), width: w, height: h)
        plc_cairo_surface_flush(surface)
        return layout
    }

    static func png(_ figure: Figure, size: Size) throws -> [UInt8] {
        let (w, h) = try size.pixels()
        let surface = try imageSurface(w, h)
        defer { plc_cairo_surface_destroy(surface) }
        try render(figure, on: surface, size: size)
        let sink = ByteSink()
        let status = plc_cairo_surface_write_to_png_stream(surface, writeToSink, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else { throw EngineError("plot: PNG encoding failed (\(String(cString: plc_cairo_status_to_string(status))))") }
        return sink.bytes
    }

    static func pdf(_ figure: Figure, size: Size) throws -> [UInt8] {
        _ = try size.pixels()
        let (w, h) = size.points
        try CairoLibrary.require()
        let sink = ByteSink()
        guard let surface = plc_cairo_pdf_surface_create_for_stream(writeToSink, Unmanaged.passUnretained(sink).toOpaque(), w, h) else {
            throw EngineError("plot: cannot create a PDF surface")
        }
        // A fixed date (cairo writes the current time otherwise): same figure, same bytes.
        plc_cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2020-01-01T00:00:00Z")
        plc_cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "prunelab")
        if let title = figure.title { plc_cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        do {
            try render(figure, on: surface, size: size, scale: 1)
        } catch {
            plc_cairo_surface_destroy(surface)
            throw error
        }
        plc_cairo_surface_finish(surface)
        let status = plc_cairo_surface_status(surface)
        plc_cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw EngineError("plot: PDF writing failed (\(String(cString: plc_cairo_status_to_string(status))))") }
        return sink.bytes
    }

    static func svg(_ figure: Figure, size: Size) throws -> String {
        _ = try size.pixels()
        let (w, h) = size.points
        let metrics = try TextMetrics()
        let canvas = SVGCanvas(metrics: metrics)
        try FigureRenderer(metrics: metrics).draw(figure, on: canvas, width: w, height: h)
        return canvas.document(width: w, height: h)
    }
}

/// Collects the bytes cairo streams out.
final class ByteSink {
    var bytes: [UInt8] = []
}

let writeToSink: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt32) -> cairo_status_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// An 8-bit RGBA image (straight alpha), row-major from the top left.
public struct Image: Sendable {
    public let width: Int
    public let height: Int
    /// `4 · width · height` bytes: R, G, B, A.
    public let rgba: [UInt8]

    init(surface: OpaquePointer) {
        plc_cairo_surface_flush(surface)
        let w = Int(plc_cairo_image_surface_get_width(surface)), h = Int(plc_cairo_image_surface_get_height(surface))
        let stride = Int(plc_cairo_image_surface_get_stride(surface))
        var out = [UInt8](repeating: 0, count: 4 * w * h)
        if let data = plc_cairo_image_surface_get_data(surface) {
            for y in 0..<h {
                let row = data + y * stride
                for x in 0..<w {
                    // ARGB32: native-endian 32-bit words, premultiplied alpha.
                    let word = row.advanced(by: 4 * x).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
                    let a = UInt32((word >> 24) & 0xFF)
                    func channel(_ shift: UInt32) -> UInt8 {
                        let v = (word >> shift) & 0xFF
                        return a == 0 ? 0 : UInt8(min(255, (v * 255 + a / 2) / a))
                    }
                    let o = 4 * (y * w + x)
                    out[o] = channel(16); out[o + 1] = channel(8); out[o + 2] = channel(0); out[o + 3] = UInt8(a)
                }
            }
        }
        width = w; height = h; rgba = out
    }

    /// Decodes PNG bytes (through cairo).
    public init(png bytes: [UInt8]) throws {
        try CairoLibrary.require()
        let source = ByteSource(bytes)
        guard let surface = plc_cairo_image_surface_create_from_png_stream(readFromSource, Unmanaged.passUnretained(source).toOpaque()),
              plc_cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw EngineError.invalid("image", expected: "PNG bytes", given: "\(bytes.count) bytes that cairo cannot decode")
        }
        defer { plc_cairo_surface_destroy(surface) }
        self.init(surface: surface)
    }

    /// (R, G, B, A) at pixel (x, y).
    public func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8, UInt8) {
        guard x >= 0, y >= 0, x < width, y < height else { return (0, 0, 0, 0) }
        let o = 4 * (y * width + x)
        return (rgba[o], rgba[o + 1], rgba[o + 2], rgba[o + 3])
    }
}

final class ByteSource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

let readFromSource: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, UInt32) -> cairo_status_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
    let source = Unmanaged<ByteSource>.fromOpaque(closure).takeUnretainedValue()
    let n = Int(length)
    guard n > 0 else { return CAIRO_STATUS_SUCCESS }
    guard source.position + n <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
    source.bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { data.update(from: base + source.position, count: n) }
    }
    source.position += n
    return CAIRO_STATUS_SUCCESS
}
