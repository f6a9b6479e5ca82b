import CLua
import Engine

extension Trainer: LuaBindable {
    /// The Lua class of trainers (`train.sgd{…}`).
    public static let luaClass = LuaClass(
        name: "trainer",
        doc: """
            SGD training settings (train.sgd{…}). t:fit(m, ds [, {val = ds, on_epoch = fn, on_batch = fn, progress = true}]) \
            trains m and returns the per-epoch history; t:optimizer(m) gives an optimizer for a \
            hand-written loop. The data order depends only on the trainer's seed, so every model \
            trained with it sees the same images in the same order.
            """,
        methods: TrainerMethods.all,
        metamethods: ["__tostring": { lua in
            lua.push(TrainerMethods.describe(try lua.check(1, Trainer.self, "self").options))
            return 1
        }],
        fields: ["lr", "momentum", "nesterov", "weight_decay", "batch", "epochs", "schedule", "milestones", "gamma", "warmup", "seed", "augment"],
        index: TrainerMethods.index,
        describe: { object in
            guard let t = object as? Trainer else { return "trainer" }
            return "trainer (sgd, lr \(t.options.learningRate), \(t.options.epochs) epochs)"
        })
}

enum TrainerMethods {
    static let all: [LuaFunctionSpec] = [
        LuaFunctionSpec("fit", "t:fit(m, ds [, {val = ds, on_epoch = fn, on_batch = fn, progress = true}]) → history",
                        """
                        Trains model m on dataset ds for t.epochs epochs and returns the history: hist[e].loss, .accuracy \
                        (training, as the batches went by), .val_loss and .val_accuracy (when val is given), .seconds, \
                        .images_per_second, .lr. on_batch(info) gets {epoch, batch, batches, loss, mean_loss, accuracy, lr} \
                        and on_epoch(hist[e]) is called after each epoch; either returning false stops training. A live \
                        progress bar goes to stderr on a terminal, one line per epoch otherwise (progress = false silences it). \
                        Ctrl-C stops between batches: m keeps the weights of its last completed step.
                        """) { lua in
            let trainer = try lua.check(1, Trainer.self, "self")
            let model = try lua.checkModel(2, "m")
            let dataset = try lua.checkDataset(3, "ds")
            let options = try lua.options(4, known: ["val", "on_epoch", "on_batch", "progress"])
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
            var history: [EpochRecord] = []
            do {
                history = try trainer.fit(model, on: dataset, validation: validation, onBatch: { report in
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
            lua.newTable(arrayCapacity: history.count)
            for (i, record) in history.enumerated() {
                pushRecord(lua, record)
                lua.rawSet(-2, i + 1)
            }
            HistoryPlot.mark(lua, -1)
            return 1
        },
        LuaFunctionSpec("optimizer", "t:optimizer(m) → optimizer",
                        "An SGD optimizer over m's parameters with this trainer's lr, momentum, nesterov and weight_decay, for a hand-written loop: logits = m:forward(x); loss, grad = nn.cross_entropy(logits, y); m:zero_grad(); m:backward(grad); opt:step().") { lua in
            let trainer = try lua.check(1, Trainer.self, "self")
            let model = try lua.checkModel(2, "m")
            try lua.checkArgumentCount(max: 2)
            let o = trainer.options
            lua.push(object: try SGD(model: model, learningRate: o.learningRate, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay))
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
        var s = "train.sgd{lr = \(o.learningRate), momentum = \(o.momentum)"
        if o.nesterov { s += ", nesterov = true" }
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

    /// Fields: the settings, by their `train.sgd` names.
    static let index: LuaBody = { lua in
        let o = try lua.check(1, Trainer.self, "self").options
        guard let key = lua.string(2) else { throw lua.argumentError(2, "key", expected: "a method or field name") }
        switch key {
        case "lr": lua.push(o.learningRate)
        case "momentum": lua.push(o.momentum)
        case "nesterov": lua.push(o.nesterov)
        case "weight_decay": lua.push(o.weightDecay)
        case "batch": lua.push(o.batchSize)
        case "epochs": lua.push(o.epochs)
        case "warmup": lua.push(o.warmup)
        case "seed": lua.push(Int(Int64(bitPattern: o.seed)))
        case "augment": lua.push(o.augment)
        case "schedule":
            switch o.schedule {
            case .constant: lua.push("constant")
            case .step: lua.push("step")
            case .cosine: lua.push("cosine")
            }
        case "milestones":
            if case .step(let m, _) = o.schedule { lua.push(array: m) } else { lua.pushNil() }
        case "gamma":
            if case .step(_, let g) = o.schedule { lua.push(g) } else { lua.pushNil() }
        default: return 0
        }
        return 1
    }
}
