/// Text form of a tensor, NumPy/Torch7 style: nested brackets, a common number format per
/// tensor, large tensors summarised with `...` (first and last 3 entries of each dimension once
/// the tensor has more than 1000 elements), and a final line with dtype and shape.
public enum TensorFormatter {
    /// Tensors with more elements than this are summarised.
    public static let summaryThreshold = 1000
    /// Entries shown at each end of a summarised dimension.
    public static let edgeItems = 3

    public static func format(_ t: Tensor) -> String {
        let summarise = t.count > summaryThreshold
        // A summarised tensor is read element by element: only the shown entries are touched.
        let values = ElementReader(t, materialize: !summarise)
        let shown = summarise ? sampled(t, values) : values.all
        let style = NumberStyle(values: shown.filter { $0.isFinite }, dtype: t.dtype)
        var out = ""
        if t.rank == 0 {
            out = style.text(t.count > 0 ? values[0] : 0)
        } else {
            render(t, values: values, dim: 0, base: 0, indent: 1, summarise: summarise, style: style, into: &out)
        }
        return out + (t.rank == 0 ? "\n[\(t.dtype.rawValue) 0-d tensor]" : "\n[\(t.dtype.rawValue) tensor of shape \(Shape.describe(t.shape))]")
    }

    private static func sampled(_ t: Tensor, _ values: ElementReader) -> [Double] {
        // Only the entries that will be printed decide the number format.
        var picked: [Double] = []
        func walk(_ dim: Int, _ base: Int) {
            if dim == t.rank { picked.append(values[base]); return }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            for i in indices(t.shape[dim], true) { walk(dim + 1, base + i * stride) }
        }
        walk(0, 0)
        return picked
    }

    private static func indices(_ n: Int, _ summarise: Bool) -> [Int] {
        if summarise && n > 2 * edgeItems { return Array(0..<edgeItems) + Array((n - edgeItems)..<n) }
        return Array(0..<n)
    }

    private static func render(_ t: Tensor, values: ElementReader, dim: Int, base: Int, indent: Int, summarise: Bool, style: NumberStyle, into out: inout String) {
        let n = t.shape[dim]
        let stride = t.shape[(dim + 1)...].reduce(1, *)
        let picks = indices(n, summarise)
        out += "["
        if dim == t.rank - 1 {
            var parts: [String] = []
            for (k, i) in picks.enumerated() {
                if k > 0 && picks[k - 1] != i - 1 { parts.append("...") }
                parts.append(style.text(values[base + i]))
            }
            out += parts.joined(separator: ", ")
        } else {
            for (k, i) in picks.enumerated() {
                if k > 0 {
                    out += "," + String(repeating: "\n", count: t.rank - dim - 1) + String(repeating: " ", count: indent)
                    if picks[k - 1] != i - 1 {
                        out += "...," + String(repeating: "\n", count: t.rank - dim - 1) + String(repeating: " ", count: indent)
                    }
                }
                render(t, values: values, dim: dim + 1, base: base + i * stride, indent: indent + 1, summarise: summarise, style: style, into: &out)
            }
        }
        out += "]"
    }
}

/// The elements of a tensor by row-major (flat) index, as Double: either all converted up
/// front (small tensors), or read one by one through the strides (summarised large tensors).
struct ElementReader {
    let tensor: Tensor
    let all: [Double]
    private let rowMajorStrides: [Int]

    init(_ t: Tensor, materialize: Bool) {
        tensor = t
        all = materialize ? t.scalars(as: Double.self) : []
        rowMajorStrides = Shape.contiguousStrides(t.shape)
    }

    subscript(flat: Int) -> Double {
        if !all.isEmpty || tensor.count == 0 { return all.isEmpty ? 0 : all[flat] }
        var rest = flat, offset = 0
        for d in 0..<tensor.rank {
            let i = rest / rowMajorStrides[d]
            rest -= i * rowMajorStrides[d]
            offset += i * tensor.strides[d]
        }
        switch tensor.dtype {
        case .float32: return Double(tensor.mutablePointer(as: Float.self)[offset])
        case .float64: return tensor.mutablePointer(as: Double.self)[offset]
        }
    }
}

/// One number format for all printed entries of a tensor: integers without decimals when every
/// value is integral, fixed-point with enough digits otherwise, scientific for very large or
/// small magnitudes; padded to a common width.
struct NumberStyle {
    enum Mode { case integer, fixed(Int), scientific(Int) }
    let mode: Mode
    let width: Int

    init(values: [Double], dtype: DType) {
        let digits = dtype == .float32 ? 4 : 6
        let magnitudes = values.map { abs($0) }.filter { $0 > 0 }
        let largest = magnitudes.max() ?? 0
        let smallest = magnitudes.min() ?? 0
        if values.allSatisfy({ $0 == $0.rounded() }) && largest < 1e15 {
            mode = .integer
        } else if largest >= 1e8 || (smallest > 0 && smallest < 1e-4) || (largest > 0 && largest / max(smallest, 1e-300) > 1e6) {
            mode = .scientific(digits)
        } else {
            mode = .fixed(digits)
        }
        let chosen = mode
        width = values.map { NumberStyle.render($0, mode: chosen).count }.max() ?? 1
    }

    func text(_ value: Double) -> String {
        let s = NumberStyle.render(value, mode: mode)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }

    static func render(_ value: Double, mode: Mode) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        switch mode {
        case .integer:
            return String(Int64(value))
        case .fixed(let digits):
            return formatFixed(value, digits: digits)
        case .scientific(let digits):
            return formatScientific(value, digits: digits)
        }
    }
}

/// `value` with `digits` decimals (no Foundation needed).
func formatFixed(_ value: Double, digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([digits, value]) { vsnprintf(&buffer, 64, "%.*f", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `value` in scientific notation with `digits` decimals.
func formatScientific(_ value: Double, digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([digits, value]) { vsnprintf(&buffer, 64, "%.*e", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
