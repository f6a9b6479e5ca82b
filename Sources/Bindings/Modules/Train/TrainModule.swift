import CLua
import Engine

/// The `train` Lua module: SGD training.
enum TrainModule {
    static let module = LuaModule(
        name: "train",
        doc: """
            Training: train.sgd{…} makes a trainer (t:fit(m, ds) trains; help(t) for details); \
            train.optimizer(m, {…}) an optimizer for hand-written loops.
            """,
        functions: [
            LuaFunctionSpec("sgd", "train.sgd{lr = 0.05, momentum = 0.9, nesterov = false, weight_decay = 5e-4, batch = 128, epochs = 1, schedule = \"constant\"|\"step\"|\"cosine\", milestones = {…}, gamma = 0.1, warmup = 0, seed = 1, augment = true}",
                            """
                            A trainer for minibatch SGD with PyTorch's update rule. schedule "step" multiplies lr by gamma after \
                            each milestone epoch; "cosine" anneals lr to 0 over the epochs; warmup ramps lr linearly over that \
                            many epochs (per batch). seed fixes the data order and augmentation draws (separately from any model \
                            seed); augment applies the dataset's augmentation (ds:augment{…}) while training.
                            """) { lua in
                let o = try lua.options(1, known: ["lr", "momentum", "nesterov", "weight_decay", "batch", "epochs", "schedule",
                                                   "milestones", "gamma", "warmup", "seed", "augment"])
                try lua.checkArgumentCount(max: 1)
                var t = TrainingOptions()
                t.learningRate = try o.number("lr") ?? t.learningRate
                t.momentum = try o.number("momentum") ?? t.momentum
                t.nesterov = try o.boolean("nesterov") ?? t.nesterov
                t.weightDecay = try o.number("weight_decay") ?? t.weightDecay
                t.batchSize = try o.integer("batch", in: 1...(1 << 20)) ?? t.batchSize
                t.epochs = try o.integer("epochs", in: 1...1_000_000) ?? t.epochs
                t.warmup = try o.number("warmup") ?? 0
                t.augment = try o.boolean("augment") ?? true
                t.seed = try lua.seedOption(o, default: 1)
                let schedule = try o.choice("schedule", ["constant", "step", "cosine"]) ?? (o.has("milestones") ? "step" : "constant")
                if schedule != "step" && (o.has("milestones") || o.has("gamma")) {
                    throw lua.error("options 'milestones' and 'gamma' need schedule = \"step\"")
                }
                switch schedule {
                case "step":
                    guard let milestones = try? o.integerArray("milestones"), !milestones.isEmpty else {
                        throw lua.error("option 'milestones': schedule \"step\" needs the epochs after which lr drops, e.g. {30, 60}")
                    }
                    t.schedule = .step(milestones: milestones, gamma: try o.number("gamma") ?? 0.1)
                case "cosine": t.schedule = .cosine
                default: t.schedule = .constant
                }
                do {
                    lua.push(object: try Trainer(options: t))
                } catch let e as EngineError {
                    throw lua.error(e.message)
                }
                return 1
            },
            LuaFunctionSpec("optimizer", "train.optimizer(m [, {lr = 0.05, momentum = 0.9, nesterov = false, weight_decay = 5e-4}])",
                            "An SGD optimizer over model m's parameters, for hand-written loops (see t:optimizer).") { lua in
                let model = try lua.checkModel(1, "m")
                let o = try lua.options(2, known: ["lr", "momentum", "nesterov", "weight_decay"])
                try lua.checkArgumentCount(max: 2)
                lua.push(object: try SGD(model: model, learningRate: try o.number("lr") ?? 0.05, momentum: try o.number("momentum") ?? 0.9,
                                         nesterov: try o.boolean("nesterov") ?? false, weightDecay: try o.number("weight_decay") ?? 5e-4))
                return 1
            },
        ])
}
