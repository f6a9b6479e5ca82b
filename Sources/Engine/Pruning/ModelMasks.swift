/// Reading, installing and dropping the pruning masks of a model's parameters.
///
/// A mask is a 0/1 Float32 tensor of its parameter's shape (1 = kept); see ``Parameter`` for
/// how training honours it (masked weights stay exactly zero and keep no momentum).
extension Model {
    /// A copy of every installed mask, by full parameter name, in layer order (parameters
    /// without a mask are absent).
    public var masks: [(name: String, mask: Tensor)] {
        get throws {
            try parameters.compactMap { entry in try entry.parameter.mask.map { (entry.name, try $0.copy()) } }
        }
    }

    /// Installs `masks` (parameter name → tensor of that parameter's shape holding only 0 and
    /// 1), zeroing the masked weights. Any parameter may be named, biases and BatchNorm
    /// included. Every mask is checked before any is installed.
    public func setMasks(_ masks: [(name: String, mask: Tensor)]) throws {
        let byName = Dictionary(parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        var checked: [(Parameter, Tensor)] = []
        var seen = Set<String>()
        for (name, mask) in masks {
            guard let parameter = byName[name] else {
                let known = parameters.filter(\.parameter.isPrunable).map(\.name)
                throw EngineError.invalid("mask \"\(name)\"", expected: "a parameter name such as \(known.prefix(3).joined(separator: ", ")) (see m:parameters())", given: "no such parameter")
            }
            guard seen.insert(name).inserted else { throw EngineError.invalid("masks", expected: "each parameter once", given: "\(name) twice") }
            guard mask.shape == parameter.value.shape else {
                throw EngineError.invalid("mask \"\(name)\"", expected: "shape \(Shape.describe(parameter.value.shape)) (the parameter's)", given: "shape \(Shape.describe(mask.shape))")
            }
            let values = try mask.converted(to: .float64).contiguous()
            let p = values.mutablePointer(as: Double.self)
            var bad = 0
            for i in 0..<values.count where p[i] != 0 && p[i] != 1 { bad += 1 }
            guard bad == 0 else {
                throw EngineError.invalid("mask \"\(name)\"", expected: "only 0 (pruned) and 1 (kept)", given: "\(bad) other value\(bad == 1 ? "" : "s")")
            }
            checked.append((parameter, values))
        }
        for (parameter, mask) in checked { try parameter.setMask(mask) }
    }

    /// Drops every mask; the weights keep their values (pruned ones stay zero until trained).
    public func removeMasks() throws {
        for (_, p) in parameters { try p.setMask(nil) }
    }

    /// Checks that `other` has the same parameters (names and shapes) and buffers as this model.
    func checkSameArchitecture(as other: Model, _ what: String) throws {
        let mine = parameters, theirs = other.parameters
        guard mine.map(\.name) == theirs.map(\.name) else {
            let a = Set(mine.map(\.name)), b = Set(theirs.map(\.name))
            let first = mine.map(\.name).first { !b.contains($0) } ?? theirs.map(\.name).first { !a.contains($0) } ?? "the parameter order"
            throw EngineError.invalid(what, expected: "the same architecture (\(title))", given: "\(other.title), whose parameters differ (\(first))")
        }
        for (x, y) in zip(mine, theirs) where x.parameter.value.shape != y.parameter.value.shape {
            throw EngineError.invalid(what, expected: "the same architecture (\(title))",
                                      given: "\(other.title), where \(x.name) is \(Shape.describe(y.parameter.value.shape)) instead of \(Shape.describe(x.parameter.value.shape))")
        }
        guard buffers.count == other.buffers.count else {
            throw EngineError.invalid(what, expected: "the same architecture (\(title))", given: "\(other.title), with \(other.buffers.count) buffers instead of \(buffers.count)")
        }
        for (x, y) in zip(buffers, other.buffers) where x.name != y.name || x.tensor.shape != y.tensor.shape {
            throw EngineError.invalid(what, expected: "the same architecture (\(title))", given: "\(other.title), whose buffer \(y.name) differs")
        }
    }
}

extension Parameter {
    /// Whether entry `i` counts as kept: its mask entry is 1, or (without a mask) it is non-zero.
    @inline(__always)
    func isKept(_ i: Int, values: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>?) -> Bool {
        if let mask { return mask[i] != 0 }
        return values[i] != 0
    }
}
