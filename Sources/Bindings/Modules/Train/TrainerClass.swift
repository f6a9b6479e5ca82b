import CLua
import Engine

extension Trainer: LuaBindable {
    /// The Lua class of trainers (`train.sgd{…}`).
    public static let luaClass = LuaClass(
        name: "trainer",
        doc: """
            Training settings (train.sgd{…}, train.adam{…}, train.adamw{…}). t:fit(m, ds [, {val = ds, on_epoch = fn, on_batch = fn, progress = true}]) \
            trains m and returns the per-epoch history; t:optimizer(m) gives an optimizer for a \
            hand-written loop. The data order depends only on the trainer's seed, so every model \
            trained with it sees the same images in the same order.
            """,
        methods: TrainerMethods.all,
        metamethods: ["__tostring": { lua in
            lua.push(TrainerMethods.describe(try lua.check(1, Trainer.self, "self").options))
            return 1
        }],
        fields: [
            field("kind", "\"sgd\", \"adam\" or \"adamw\"") { lua, t in lua.push(t.options.optimizer.rawValue) },
            field("lr", "the base learning rate") { lua, t in lua.push(t.options.learningRate) },
            field("momentum", "SGD's momentum (nil for Adam)") { lua, t in
                if t.options.optimizer == .sgd { lua.push(t.options.momentum) } else { lua.pushNil() }
            },
            field("nesterov", "whether SGD's momentum is Nesterov's (nil for Adam)") { lua, t in
                if t.options.optimizer == .sgd { lua.push(t.options.nesterov) } else { lua.pushNil() }
            },
            field("betas", "Adam's {β1, β2} (nil for SGD)") { lua, t in
                if t.options.optimizer == .sgd { lua.pushNil() } else { lua.push(array: [t.options.beta1, t.options.beta2]) }
            },
            field("eps", "Adam's ε (nil for SGD)") { lua, t in
                if t.options.optimizer == .sgd { lua.pushNil() } else { lua.push(t.options.epsilon) }
            },
            field("weight_decay", "the weight decay") { lua, t in lua.push(t.options.weightDecay) },
            field("batch", "the batch size") { lua, t in lua.push(t.options.batchSize) },
            field("epochs", "the number of epochs t:fit runs") { lua, t in lua.push(t.options.epochs) },
            field("schedule", "\"constant\", \"step\" or \"cosine\"") { lua, t in
                switch t.options.schedule {
                case .constant: lua.push("constant")
                case .step: lua.push("step")
                case .cosine: lua.push("cosine")
                }
            },
            field("milestones", "the step schedule's epochs (nil for other schedules)") { lua, t in
                if case .step(let m, _) = t.options.schedule { lua.push(array: m) } else { lua.pushNil() }
            },
            field("gamma", "the step schedule's factor (nil for other schedules)") { lua, t in
                if case .step(_, let g) = t.options.schedule { lua.push(g) } else { lua.pushNil() }
            },
            field("warmup", "epochs of linear learning-rate warm-up") { lua, t in lua.push(t.options.warmup) },
            field("seed", "the seed of the batch order and augmentation") { lua, t in lua.push(Int(Int64(bitPattern: t.options.seed))) },
            field("augment", "whether training batches are augmented") { lua, t in lua.push(t.options.augment) },
        ],
        elements: OptimizerFields.onlyNames,
        describe: { object in
            guard let t = object as? Trainer else { return "trainer" }
            return "trainer (\(t.options.optimizer.rawValue), lr \(t.options.learningRate), \(t.options.epochs) epochs)"
        })
}

enum TrainerMethods {
    /// t:fit's own options (besides the trainer's settings, which it may override for one call).
    static let fitOptions = [
        LuaOption("val", .described("a dataset"), shown: "ds", "a validation set: each epoch reports val_loss and val_accuracy"),
        LuaOption("on_epoch", .described("a function"), shown: "fn", "called with hist[e] after each epoch; returning false stops"),
        LuaOption("on_batch", .described("a function"), shown: "fn", "called with {epoch, batch, batches, loss, mean_loss, accuracy, lr}; returning false stops"),
        LuaOption("progress", .boolean, default: "true", "a progress bar on stderr (one line per epoch off a terminal)"),
    ]

    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("fit", "t:fit(m, ds [, \(fitOptions.signatureText.dropLast()), epochs = n, lr = x, …}]) → history",
                        """
                        Trains model m on dataset ds for t.epochs epochs and returns the history: hist[e].loss, .accuracy \
                        (training, as the batches went by), .val_loss and .val_accuracy (when val is given), .seconds, \
                        .images_per_second, .lr. Any of the trainer's settings (epochs, lr, batch, seed, weight_decay, \
                        schedule, warmup, augment, momentum/nesterov or betas/eps) may be given for this call only. \
                        on_batch(info) gets {epoch, batch, batches, loss, mean_loss, accuracy, lr} \
                        and on_epoch(hist[e]) is called after each epoch; either returning false stops training. A live \
                        progress bar goes to stderr on a terminal, one line per epoch otherwise (progress = false silences it). \
                        Ctrl-C stops between batches and returns the finished epochs' history with hist.interrupted = true \
                        (m keeps the weights of its last completed step, and m.interrupted is true until it is trained again).

                        \(fitOptions.helpText)
                        """) { lua in
            let base = try lua.check(1, Trainer.self, "self")
            let model = try lua.checkModel(2, "m")
            let dataset = try lua.checkDataset(3, "ds")
            let options = try lua.options(4, fitOptions + TrainModule.trainingOptions(base.options.optimizer))
            let settings = try TrainModule.readTrainingOptions(lua, options, kind: base.options.optimizer, base: base.options)
            let trainer = settings == base.options ? base : try Trainer(options: settings)
            try lua.checkArgumentCount(max: 4)
            var validation: (any Dataset)?
            if options.has("val") {
                options.push("val")
                defer { lua.pop(1) }
                guard lua.objectClassName(-1) == "dataset" else {
                    throw lua.error("option 'val': expected a dataset, got \(lua.describe(-1))")
                }
                validation = try lua.checkDataset(-1, "val")
            }
            let onEpoch = try callback(lua, options, "on_epoch")
            let onBatch = try callback(lua, options, "on_batch")
            let progress = try options.boolean("progress") ?? true
            let bar = progress ? ProgressBar() : nil
            let epochs = trainer.options.epochs
            let run: TrainingRun
            do {
                run = try trainer.run(model, on: dataset, validation: validation, onBatch: { report in
                    bar?.update(report)
                    guard let onBatch else { return true }
                    lua.pushCopy(onBatch)
                    pushBatchInfo(lua, report)
                    return try callAndCheck(lua)
                }, onEpoch: { record in
                    bar?.finish(record, epochs: epochs)
                    guard let onEpoch else { return true }
                    lua.pushCopy(onEpoch)
                    pushRecord(lua, record)
                    return try callAndCheck(lua)
                })
            } catch {
                bar?.abandon()
                throw error
            }
            let history = run.history
            if let stop = run.interruption {
                // Ctrl-C was taken here: the Lua hook it armed must not stop the caller's next
                // instruction, which is to receive this history.
                bar?.abandon()
                lua_sethook(lua.state, nil, 0, 0)
                Cancellation.clear()
                SimWarnings.writeToStandardError("\(lua.callee): \(stop.message); returning the \(history.count) finished epoch\(history.count == 1 ? "" : "s") (hist.interrupted = true, m.interrupted = true)\n")
            }
            lua.newTable(arrayCapacity: history.count)
            for (i, record) in history.enumerated() {
                pushRecord(lua, record)
                lua.rawSet(-2, i + 1)
            }
            if run.interruption != nil {
                lua.push(true)
                lua.rawSet(-2, "interrupted")
            }
            HistoryPlot.mark(lua, -1)
            return 1
        },
        LuaFunctionSpec("optimizer", "t:optimizer(m) → optimizer",
                        "An optimizer over m's parameters with this trainer's settings (SGD, Adam or AdamW), for a hand-written loop: logits = m:forward(x); loss, grad = nn.cross_entropy(logits, y); m:zero_grad(); m:backward(grad); opt:step().") { lua in
            let trainer = try lua.check(1, Trainer.self, "self")
            let model = try lua.checkModel(2, "m")
            try lua.checkArgumentCount(max: 2)
            let o = trainer.options
            switch o.optimizer {
            case .sgd: lua.push(object: try SGD(model: model, learningRate: o.learningRate, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay))
            case .adam, .adamw:
                lua.push(object: try Adam(parameters: model.parameters, learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2,
                                          epsilon: o.epsilon, weightDecay: o.weightDecay, decoupled: o.optimizer == .adamw))
            }
            return 1
        },
    ]

    /// The stack index of the function option `key`, or nil. The value stays on the stack.
    private static func callback(_ lua: Lua, _ options: Options, _ key: String) throws -> Int32? {
        guard options.has(key) else { return nil }
        options.push(key)
        guard lua.type(-1) == .function else {
            let given = lua.describe(-1)
            lua.pop(1)
            throw lua.error("option '\(key)': expected a function, got \(given)")
        }
        return lua.top
    }

    /// Calls the function below its one argument; a `false` result means stop.
    private static func callAndCheck(_ lua: Lua) throws -> Bool {
        try lua.protectedCall(arguments: 1, results: 1)
        defer { lua.pop(1) }
        return lua.boolean(-1) != false
    }

    private static func pushBatchInfo(_ lua: Lua, _ r: BatchReport) {
        lua.newTable(fieldCapacity: 8)
        lua.push(r.epoch + 1); lua.rawSet(-2, "epoch")
        lua.push(r.batch + 1); lua.rawSet(-2, "batch")
        lua.push(r.batchCount); lua.rawSet(-2, "batches")
        lua.push(r.loss); lua.rawSet(-2, "loss")
        lua.push(r.meanLoss); lua.rawSet(-2, "mean_loss")
        lua.push(r.accuracy); lua.rawSet(-2, "accuracy")
        lua.push(r.learningRate); lua.rawSet(-2, "lr")
        lua.push(r.samples); lua.rawSet(-2, "samples")
    }

    static func pushRecord(_ lua: Lua, _ e: EpochRecord) {
        lua.newTable(fieldCapacity: 8)
        lua.push(e.epoch + 1); lua.rawSet(-2, "epoch")
        lua.push(e.loss); lua.rawSet(-2, "loss")
        lua.push(e.accuracy); lua.rawSet(-2, "accuracy")
        if let v = e.validationLoss { lua.push(v); lua.rawSet(-2, "val_loss") }
        if let v = e.validationAccuracy { lua.push(v); lua.rawSet(-2, "val_accuracy") }
        lua.push(e.seconds); lua.rawSet(-2, "seconds")
        lua.push(e.samplesPerSecond); lua.rawSet(-2, "images_per_second")
        lua.push(e.learningRate); lua.rawSet(-2, "lr")
    }

    static func describe(_ o: TrainingOptions) -> String {
        var s = "train.\(o.optimizer.rawValue){lr = \(o.learningRate)"
        if o.optimizer == .sgd {
            s += ", momentum = \(o.momentum)"
            if o.nesterov { s += ", nesterov = true" }
        } else {
            s += ", betas = {\(o.beta1), \(o.beta2)}, eps = \(o.epsilon)"
        }
        s += ", weight_decay = \(o.weightDecay), batch = \(o.batchSize), epochs = \(o.epochs)"
        switch o.schedule {
        case .constant: break
        case .cosine: s += ", schedule = \"cosine\""
        case .step(let milestones, let gamma):
            s += ", schedule = \"step\", milestones = {\(milestones.map(String.init).joined(separator: ", "))}, gamma = \(gamma)"
        }
        if o.warmup > 0 { s += ", warmup = \(o.warmup)" }
        s += ", seed = \(Int64(bitPattern: o.seed))"
        if !o.augment { s += ", augment = false" }
        return s + "}"
    }
}
