import CLua
import Engine

/// The `train` Lua module: SGD training.
enum TrainModule {
    static let module = LuaModule(
        name: "train",
        doc: """
            Training: train.sgd{…}, train.adam{…} and train.adamw{…} make trainers (t:fit(m, ds) trains; \
            help(t) for details); \
            train.optimizer(m, {…}) an optimizer for hand-written loops.
            """,
        functions: [
            LuaFunctionSpec("sgd", "train.sgd{…}", options: trainingOptions(.sgd), at: 1,
                            """
                            A trainer for minibatch SGD with PyTorch's update rule. schedule "step" multiplies lr by gamma after \
                            each milestone epoch; "cosine" anneals lr to 0 over the epochs; warmup ramps lr linearly over that \
                            many epochs (per batch). seed fixes the data order and augmentation draws (separately from any model \
                            seed); augment applies the dataset's augmentation (ds:augment{…}) while training.
                            """) { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Trainer(options: try readTrainingOptions(lua, o, kind: .sgd)))
                return 1
            },
            LuaFunctionSpec("adam", "train.adam{…}", options: trainingOptions(.adam), at: 1,
                            """
                            A trainer for minibatch Adam (Kingma & Ba 2015) with PyTorch's update rule (torch.optim.Adam): \
                            weight_decay adds λ·w to the gradient (L2). Pruning masks are honoured: pruned weights and their \
                            moments stay exactly zero. Other options as train.sgd.
                            """) { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Trainer(options: try readTrainingOptions(lua, o, kind: .adam)))
                return 1
            },
            LuaFunctionSpec("adamw", "train.adamw{…}", options: trainingOptions(.adamw), at: 1,
                            """
                            A trainer for minibatch AdamW (Loshchilov & Hutter 2019) with PyTorch's update rule \
                            (torch.optim.AdamW): the weight decay is decoupled, w ← w·(1 − lr·weight_decay) before the Adam \
                            step. Masks honoured as in train.adam; other options as train.sgd.
                            """) { lua, o in
                try lua.checkArgumentCount(max: 1)
                lua.push(object: try Trainer(options: try readTrainingOptions(lua, o, kind: .adamw)))
                return 1
            },
            LuaFunctionSpec("optimizer", "train.optimizer(m [, {…}])",
                            options: trainingOptions(.sgd).filter { ["lr", "momentum", "nesterov", "weight_decay"].contains($0.key) }, at: 2,
                            "An SGD optimizer over model m's parameters, for hand-written loops (see t:optimizer).") { lua, o in
                let model = try lua.checkModel(1, "m")
                try lua.checkArgumentCount(max: 2)
                lua.push(object: try SGD(model: model, learningRate: try o.number("lr") ?? 0.05, momentum: try o.number("momentum") ?? 0.9,
                                         nesterov: try o.boolean("nesterov") ?? false, weightDecay: try o.number("weight_decay") ?? 5e-4))
                return 1
            },
        ])

    /// The options a trainer of `kind` accepts, with PyTorch's defaults for it.
    static func trainingOptions(_ kind: OptimizerKind) -> [LuaOption] {
        let d = TrainingOptions(kind)
        let optimizer = kind == .sgd ? [
            LuaOption("momentum", .number, default: number(d.momentum), "SGD's momentum"),
            LuaOption("nesterov", .boolean, default: "\(d.nesterov)", "Nesterov momentum"),
        ] : [
            LuaOption("betas", .described("a table of two numbers {beta1, beta2}"), default: "{\(number(d.beta1)), \(number(d.beta2))}", "decay rates of the moment estimates"),
            LuaOption("eps", .number, default: number(d.epsilon), "added to the denominator"),
        ]
        return [LuaOption("lr", .number, default: number(d.learningRate), "the learning rate")] + optimizer + [
            LuaOption("weight_decay", .number, default: number(d.weightDecay), kind == .adamw ? "decoupled weight decay" : "L2 weight decay"),
            LuaOption("batch", .integer, default: "\(d.batchSize)", "the batch size"),
            LuaOption("epochs", .integer, default: "\(d.epochs)", "epochs t:fit runs"),
            LuaOption("schedule", .choice(["constant", "step", "cosine"]), default: "\"constant\"",
                      "step: lr × gamma after each milestone epoch; cosine: anneal lr to 0 over the epochs"),
            LuaOption("milestones", .described("a table of epochs"), shown: "{…}", "the step schedule's epochs (milestones alone mean schedule = \"step\")"),
            LuaOption("gamma", .number, default: "0.1", "the step schedule's factor"),
            LuaOption("warmup", .number, default: number(d.warmup), "epochs of linear learning-rate warm-up (per batch)"),
            LuaOption("seed", .integer, default: "\(d.seed)", "the data order and augmentation draws"),
            LuaOption("augment", .boolean, default: "\(d.augment)", "apply the dataset's augmentation while training"),
        ]
    }

    /// A default as Lua would print it: 0 rather than 0.0.
    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }

    /// Training settings from the (checked) options `o` (PyTorch's defaults for `kind`), or,
    /// with `base`, that trainer's settings with the given ones changed (t:fit's overrides).
    static func readTrainingOptions(_ lua: Lua, _ o: Options, kind: OptimizerKind, base: TrainingOptions? = nil) throws -> TrainingOptions {
        var t = base ?? TrainingOptions(kind)
        t.learningRate = try o.number("lr") ?? t.learningRate
        t.momentum = try o.number("momentum") ?? t.momentum
        t.nesterov = try o.boolean("nesterov") ?? t.nesterov
        t.weightDecay = try o.number("weight_decay") ?? t.weightDecay
        t.epsilon = try o.number("eps") ?? t.epsilon
        if o.has("betas") {
            let type = o.push("betas")
            defer { lua.pop(1) }
            guard type == .table, lua.rawLength(-1) == 2 else { throw lua.error("option 'betas': expected a table of two numbers {beta1, beta2}, got \(lua.describe(-1))") }
            lua.rawGet(-1, 1)
            lua.rawGet(-2, 2)
            let b1 = lua.number(-2), b2 = lua.number(-1)
            lua.pop(2)
            guard let b1, let b2 else { throw lua.error("option 'betas': expected a table of two numbers {beta1, beta2}") }
            (t.beta1, t.beta2) = (b1, b2)
        }
        t.batchSize = try o.integer("batch", in: 1...(1 << 20)) ?? t.batchSize
        t.epochs = try o.integer("epochs", in: 1...1_000_000) ?? t.epochs
        t.warmup = try o.number("warmup") ?? t.warmup
        t.augment = try o.boolean("augment") ?? t.augment
        t.seed = try lua.seedOption(o, default: t.seed)
        if o.has("schedule") || o.has("milestones") || o.has("gamma") || base == nil {
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
        }
        do {
            return try t.validated()
        } catch let e as EngineError {
            throw lua.error(e.message)
        }
    }
}
