extension Model {
    /// The route plan (``ConvPlan``) each convolution of the model takes for a batch of `batch`
    /// samples of the model's input shape, by dotted layer name, in layer order; empty when
    /// the input shape is unknown. Plans come from the layers' caches (made on first use).
    public func convolutionPlans(batch: Int) -> [(name: String, plan: ConvPlan)] {
        guard let input = shapeForSummary, batch > 0 else { return [] }
        var plans: [(name: String, plan: ConvPlan)] = []
        func walk(_ layer: Layer, _ path: String, _ input: [Int]) {
            let name = { (child: Layer) in path.isEmpty ? child.name : "\(path).\(child.name)" }
            if let conv = layer as? Conv2d {
                guard input.count == 3 else { return }
                plans.append((path.isEmpty ? rootLeafName : path, conv.plan(height: input[1], width: input[2], batch: batch)))
                return
            }
            if let block = layer as? BasicBlock {
                for (child, shape) in (try? block.childInputShapes(input)) ?? [] { walk(child, name(child), shape) }
                return
            }
            var shape = input
            for child in layer.children {
                walk(child, name(child), shape)
                guard let next = try? child.outputShape(for: shape) else { return }
                shape = next
            }
        }
        walk(root, "", input)
        return plans
    }

    /// ``convolutionPlans(batch:)`` as a table: layer, input size, and the route of each pass.
    public func convolutionPlanTable(batch: Int) throws -> Table {
        let rows: [[TableCell]] = convolutionPlans(batch: batch).map { name, plan in
            [.string(name), .string("\(plan.geometry.inChannels)×\(plan.geometry.height)×\(plan.geometry.width)"),
             .string(plan.forward.rawValue), .string(plan.inputGradient.rawValue), .string(plan.weightGradient.rawValue),
             .string(plan.sparseForward.rawValue)]
        }
        return try Table(columns: ["layer", "input", "forward", "input_gradient", "weight_gradient", "sparse_forward"], rows: rows,
                         title: "convolution routes, batch \(batch)")
    }
}
