#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How the float cells of one column are shown to a reader (text, Markdown, LaTeX): one style
/// per column, so decimal points line up, as pandas prints a `DataFrame`.
///
/// Fixed notation with enough decimals to give the smallest non-zero magnitude
/// ``significantDigits`` significant digits (at most ``maximumDecimals``, at least one), then
/// trailing zeros common to the whole column are dropped (down to one decimal: `1.0`, `0.25`).
/// A column whose smallest non-zero magnitude would need more than ``maximumDecimals`` decimals,
/// or whose largest reaches 1e15, is shown in scientific notation (`1.235e-07`). NaN shows as
/// `NaN`, infinities as `inf`/`-inf`; integers as integers. Machine formats (CSV, JSON) do not
/// use this: they keep every digit (``TableCell/exactText``).
struct TableNumberStyle {
    static let significantDigits = 4
    static let maximumDecimals = 6

    enum Mode: Equatable { case fixed(Int), scientific(Int) }
    let mode: Mode

    /// The style for the float values of a column (integers and non-finite values ignored).
    init(values: [Double]) {
        let finite = values.filter { $0.isFinite }
        let nonzero = finite.map { Swift.abs($0) }.filter { $0 > 0 }
        guard let smallest = nonzero.min(), let largest = nonzero.max() else {
            mode = .fixed(1)
            return
        }
        let exponent = Int(log10(smallest).rounded(.down))
        let decimals = Swift.max(1, TableNumberStyle.significantDigits - 1 - exponent)
        if decimals > TableNumberStyle.maximumDecimals || largest >= 1e15 {
            mode = .scientific(TableNumberStyle.significantDigits - 1)
            return
        }
        // Drop trailing zeros shared by every value of the column.
        var kept = decimals
        while kept > 1 {
            let allEndInZero = finite.allSatisfy { formatFixed($0, digits: kept).hasSuffix("0") }
            guard allEndInZero else { break }
            kept -= 1
        }
        mode = .fixed(kept)
    }

    /// `value` in this style.
    func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        switch mode {
        case .fixed(let digits):
            let s = formatFixed(value, digits: digits)
            return s.hasPrefix("-") && s.dropFirst().allSatisfy { $0 == "0" || $0 == "." } ? String(s.dropFirst()) : s
        case .scientific(let digits):
            return formatScientific(value, digits: digits)
        }
    }

    /// The reader's text of each cell of column `k` of `table` (strings as they are, missing
    /// cells empty, booleans `true`/`false`).
    static func displayColumn(_ table: Table, _ k: Int) -> [String] {
        var floats: [Double] = []
        for row in table.rows { if case .number(let d) = row[k] { floats.append(d) } }
        // In a column that holds floats, integers take the float style too (decimals line up).
        let integersAsFloats = !floats.isEmpty
        if integersAsFloats {
            for row in table.rows { if case .integer(let i) = row[k] { floats.append(Double(i)) } }
        }
        let style = TableNumberStyle(values: floats)
        return table.rows.map { row in
            switch row[k] {
            case .number(let d): return style.text(d)
            case .integer(let i): return integersAsFloats ? style.text(Double(i)) : String(i)
            case .string(let s): return s
            case .boolean(let b): return b ? "true" : "false"
            case .missing: return ""
            }
        }
    }
}

extension TableCell {
    /// The cell's exact text for machine formats: shortest round-trip decimal for floats (Swift's
    /// `description`: `0.1`, `1.0`, `1e-05`), `NaN`/`inf`/`-inf`, integers in full, strings as
    /// they are, booleans `true`/`false`, missing as the empty string.
    public var exactText: String {
        switch self {
        case .number(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d > 0 ? "inf" : "-inf" }
            return d.description
        case .integer(let i): return String(i)
        case .string(let s): return s
        case .boolean(let b): return b ? "true" : "false"
        case .missing: return ""
        }
    }
}
