/// A matrix of numbers whose rows and columns have names, and which says what its values are:
/// the layer × layer similarities of `sim.matrix` and `sim.pairwise`, the layer × snapshot ones
/// of `sim.over_time` (Blakeney, Yan & Zong 2020, Figures 3 and 4).
public struct LabelledMatrix: Sendable, Equatable {
    /// Row names (`rows.count` rows) and column names.
    public let rows: [String]
    public let columns: [String]
    /// The values, row-major: `values[i * columns.count + j]`.
    public let values: [Double]
    /// What a row and a column stand for ("layer", "snapshot").
    public let rowTitle: String
    public let columnTitle: String
    /// What the values are: the measure and its parameters, e.g. `svcca(variance=0.99)`.
    public let measure: String

    /// Throws when the number of values is not rows × columns.
    public init(rows: [String], columns: [String], values: [Double], rowTitle: String, columnTitle: String, measure: String) throws {
        let (count, overflow) = rows.count.multipliedReportingOverflow(by: columns.count)
        guard !overflow, values.count == count else {
            throw EngineError.invalid("labelled matrix values", expected: "\(rows.count) × \(columns.count)", given: "\(values.count) values")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.measure = measure
    }

    /// The value at 0-based row `i`, column `j` (nil outside the matrix).
    public func value(_ i: Int, _ j: Int) -> Double? {
        guard i >= 0, i < rows.count, j >= 0, j < columns.count else { return nil }
        return values[i * columns.count + j]
    }

    /// A float64 tensor rows × columns of the values.
    public func tensor() throws -> Tensor {
        try Tensor(shape: [rows.count, columns.count], values: values)
    }

    /// One line saying what the matrix holds, e.g. `svcca(variance=0.99): 4 layer × 3 snapshot
    /// (1 = identical)`.
    public var summary: String {
        "\(measure) similarity: \(rows.count) \(rowTitle)\(rows.count == 1 ? "" : "s") × \(columns.count) \(columnTitle)\(columns.count == 1 ? "" : "s") (1 = identical)"
    }

    /// The matrix as a table: a first column of row names (headed by ``rowTitle``, or
    /// `"\(rowTitle) \\ \(columnTitle)"` when a column already has that name), then one column
    /// per matrix column. Repeated column names are numbered (`conv1`, `conv1 (2)`).
    public func table(title: String? = nil) throws -> Table {
        var header = rowTitle
        if columns.contains(header) { header = "\(rowTitle) \\ \(columnTitle)" }
        var names: [String] = [header]
        var seen = Set([header])
        for name in columns {
            var unique = name
            var k = 2
            while seen.contains(unique) { unique = "\(name) (\(k))"; k += 1 }
            seen.insert(unique)
            names.append(unique)
        }
        let body = rows.indices.map { i in
            [TableCell.string(rows[i])] + columns.indices.map { j in TableCell.number(values[i * columns.count + j]) }
        }
        return try Table(columns: names, rows: body, title: title ?? summary)
    }
}
