import CLua
import Engine

/// `prune.iterative`: prune to each target in turn, retraining after each step.
enum IterativeBinding {
    static let spec = LuaFunctionSpec("iterative",
        "prune.iterative(m, targets, trainer, train_ds [, {…}]) → steps", options: [
            LuaOption("epochs", .integer, default: "trainer.epochs", "retraining epochs after each step"),
            LuaOption("val", .described("a dataset"), shown: "ds", "the dataset whose accuracy each entry reports"),
            LuaOption("on_step", .described("a function"), shown: "fn", "called with each entry; returning false stops"),
        ] + PruneOptions.selection + [
            LuaOption("progress", .boolean, default: "true", "show training progress"),
        ], at: 5, """
        Iterative magnitude pruning (Han, Pool, Tran & Dally 2015; Blakeney, Yan & Zong 2020, Table 3, use \
        {0.6, 0.7, 0.8, 0.9}): for each target (increasing, each in [0, 1)) prune m by \
        magnitude to it — adding to the previous masks — then retrain it with trainer for \
        epochs epochs (all steps see the same images in the same order). Returns one entry per \
        step: {step, target, sparsity (zeros over the pruned tensors), model_sparsity (over all \
        prunable tensors), accuracy (on val when given, else the last epoch's training \
        accuracy), validation (true when on val), model (a clone of m after the step), history \
        (as t:fit returns)}. on_step(entry) runs after each step; returning false stops. m \
        ends pruned to the last target reached.
        """) { lua, options in
        let m = try lua.checkModel(1, "m")
        let targets = try readTargets(lua)
        let trainer = try lua.check(3, Trainer.self, "trainer")
        let dataset = try lua.checkDataset(4, "train_ds")
        try lua.checkArgumentCount(max: 5)
        let epochs = try options.integer("epochs", in: 1...1_000_000)
        var validation: (any Dataset)?
        if options.has("val") {
            options.push("val")
            defer { lua.pop(1) }
            guard lua.objectClassName(-1) == "dataset" else { throw lua.error("option 'val': expected a dataset, got \(lua.describe(-1))") }
            validation = try lua.checkDataset(-1, "val")
        }
        let scope = try lua.scopeOption(options)
        let selection = try lua.selectionOptions(options)
        var onStep: Int32?
        if options.has("on_step") {
            options.push("on_step")
            guard lua.type(-1) == .function else {
                let given = lua.describe(-1)
                lua.pop(1)
                throw lua.error("option 'on_step': expected a function, got \(given)")
            }
            onStep = lua.top
        }
        let bar = try options.boolean("progress") ?? true ? ProgressBar() : nil
        let totalEpochs = epochs ?? trainer.options.epochs
        var steps: [IterativePruningStep] = []
        do {
            steps = try IterativePruning.run(m, targets: targets, trainer: trainer, dataset: dataset, epochs: epochs, validation: validation,
                                             scope: scope, selection: selection,
                                             onBatch: { report in bar?.update(report); return true },
                                             onEpoch: { record in bar?.finish(record, epochs: totalEpochs); return true },
                                             onStep: { step in
                guard let onStep else { return true }
                lua.pushCopy(onStep)
                try push(lua, step)
                try lua.protectedCall(arguments: 1, results: 1)
                defer { lua.pop(1) }
                return lua.boolean(-1) != false
            }, onStepStart: { i, target in
                guard let bar else { return }
                bar.prefix = "step \(i + 1)/\(targets.count) "
                let percent = ProgressBar.fixed(target * 100, 1)
                SimWarnings.writeToStandardError("prune.iterative: step \(i + 1)/\(targets.count): pruning to \(percent)% sparsity, then retraining for \(totalEpochs) epoch\(totalEpochs == 1 ? "" : "s")\n")
            })
        } catch {
            bar?.abandon()
            throw error
        }
        lua.newTable(arrayCapacity: steps.count)
        for (i, step) in steps.enumerated() {
            try push(lua, step)
            lua.rawSet(-2, i + 1)
        }
        return 1
    }

    /// Argument 2: a non-empty list of sparsities in [0, 1).
    private static func readTargets(_ lua: Lua) throws -> [PruningTarget] {
        let expected = "a non-empty list of target sparsities in [0, 1), e.g. {0.6, 0.7, 0.8, 0.9}"
        if lua.type(2) == .number { return [try lua.checkSparsity(2, "targets")] }
        guard lua.type(2) == .table, lua.rawLength(2) > 0 else { throw lua.argumentError(2, "targets", expected: expected) }
        var targets: [PruningTarget] = []
        for i in 1...lua.rawLength(2) {
            lua.rawGet(2, i)
            defer { lua.pop(1) }
            guard let s = lua.number(-1), let target = try? PruningTarget(s) else {
                throw lua.error("argument 2 (targets): expected \(expected), but entry \(i) is \(lua.describe(-1))")
            }
            targets.append(target)
        }
        return targets
    }

    private static func push(_ lua: Lua, _ step: IterativePruningStep) throws {
        lua.newTable(fieldCapacity: 8)
        lua.push(step.step + 1); lua.rawSet(-2, "step")
        lua.push(step.target); lua.rawSet(-2, "target")
        lua.push(step.sparsity); lua.rawSet(-2, "sparsity")
        lua.push(step.modelSparsity); lua.rawSet(-2, "model_sparsity")
        lua.push(step.accuracy); lua.rawSet(-2, "accuracy")
        lua.push(step.isValidation); lua.rawSet(-2, "validation")
        lua.push(object: step.snapshot); lua.rawSet(-2, "model")
        lua.newTable(arrayCapacity: step.history.count)
        for (i, record) in step.history.enumerated() {
            TrainerMethods.pushRecord(lua, record)
            lua.rawSet(-2, i + 1)
        }
        lua.rawSet(-2, "history")
    }
}
