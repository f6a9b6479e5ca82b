/// The parameter grid of a sweep: named axes, each with a list of values, expanded as their
/// Cartesian product (the first axis varies slowest, as nested loops written in that order).
///
/// Values are JSON scalars (integers, numbers, strings, booleans): what a Lua spec can name in
/// `grid = {model = {"mlp", "convnet"}, seed = {1, 2, 3}}`.
public struct SweepGrid: Sendable, Equatable {
    /// The axes in their declared order: a name and its values.
    public let axes: [(name: String, values: [JSON])]

    public static func == (a: SweepGrid, b: SweepGrid) -> Bool {
        a.axes.count == b.axes.count && zip(a.axes, b.axes).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }

    /// A grid; every axis needs at least one value, names must be unique, values scalars.
    public init(_ axes: [(name: String, values: [JSON])]) throws {
        guard !axes.isEmpty else { throw EngineError("grid: expected at least one parameter, got an empty grid") }
        var seen = Set<String>()
        for axis in axes {
            guard !axis.name.isEmpty else { throw EngineError("grid: expected parameter names, got an empty name") }
            guard seen.insert(axis.name).inserted else { throw EngineError("grid: parameter '\(axis.name)' given twice") }
            guard !axis.values.isEmpty else {
                throw EngineError("grid: parameter '\(axis.name)': expected at least one value, got an empty list")
            }
            for value in axis.values {
                switch value {
                case .integer, .number, .string, .bool: continue
                default: throw EngineError("grid: parameter '\(axis.name)': expected numbers, strings or booleans, got \(value.text)")
                }
            }
            if axis.values.count != Set(axis.values.map(\.text)).count {
                throw EngineError("grid: parameter '\(axis.name)': a value is listed twice")
            }
        }
        self.axes = axes
    }

    /// The names of the axes, in order.
    public var names: [String] { axes.map(\.name) }

    /// Every combination of the axes named in `keys` (all axes when nil), in grid order; each
    /// combination lists its parameters in grid order. Throws when the product is too large.
    public func combinations(of keys: [String]? = nil) throws -> [[(key: String, value: JSON)]] {
        let chosen = keys.map { wanted in axes.filter { wanted.contains($0.name) } } ?? axes
        var count = 1
        for axis in chosen {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= 10_000_000 else {
                throw EngineError("grid: expected at most 10,000,000 combinations, got more")
            }
            count = product
        }
        var result: [[(key: String, value: JSON)]] = [[]]
        for axis in chosen {
            var next: [[(key: String, value: JSON)]] = []
            next.reserveCapacity(result.count * axis.values.count)
            for prefix in result {
                for value in axis.values { next.append(prefix + [(axis.name, value)]) }
            }
            result = next
        }
        return result
    }

    /// The grid as a JSON object (for the manifest).
    public var json: JSON { .object(axes.map { ($0.name, JSON.array($0.values)) }) }
}
