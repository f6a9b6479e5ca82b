import CLua
import Engine

/// The `data` Lua module: dataset loaders.
enum DataModule {
    static let module = LuaModule(
        name: "data",
        doc: """
            Datasets: Fashion-MNIST (embedded default), any MNIST-format IDX pair, CIFAR-10/100 \
            binary batches and tensors. Each gives dataset objects (help(ds) for their methods); \
            labels are 1…classes.
            """,
        functions: [
            LuaFunctionSpec("fashion_mnist", "data.fashion_mnist([dir])",
                            "Fashion-MNIST as {train = ds, test = ds}: 60,000 and 10,000 grey 1×28×28 images of clothing in 10 classes (ds.class_names), values in [0, 1] (mean 0.2860, std 0.3530 over the training set). Read from Debian's dataset-fashion-mnist files in \(FashionMNIST.defaultDirectory), or dir.") { lua in
                let directory = try lua.optionalString(1, "dir") ?? FashionMNIST.defaultDirectory
                try lua.checkArgumentCount(max: 1)
                let (train, test) = try FashionMNIST.load(directory: directory)
                pushParts(lua, SampleDataset(store: train), SampleDataset(store: test))
                return 1
            },
            LuaFunctionSpec("idx", "data.idx(images, labels [, {…}])", options: labelOptions, at: 3,
                            "A dataset from an MNIST-format pair of IDX files (plain or gzip): images N×H×W (samples 1×H×W) or N×D, labels N bytes. classes defaults to the largest label + 1 (labels are stored 0-based in the file and shown 1-based).") { lua, options in
                let images = try lua.checkString(1, "images")
                let labels = try lua.checkString(2, "labels")
                try lua.checkArgumentCount(max: 3)
                let classes = try options.integer("classes", in: 1...SampleStore.maxClassCount)
                let store = try IDXFile.load(images: images, labels: labels, classCount: classes,
                                             classNames: try lua.classNamesOption(options), name: try options.string("name"))
                lua.push(object: SampleDataset(store: store))
                return 1
            },
            LuaFunctionSpec("cifar10", "data.cifar10(dir)",
                            "CIFAR-10 as {train = ds, test = ds} (50,000 and 10,000 colour 3×32×32 images, 10 classes) from the binary version's folder (cifar-10-batches-bin: data_batch_1.bin … data_batch_5.bin, test_batch.bin, and batches.meta.txt for class names).") { lua in
                let directory = try lua.checkString(1, "dir")
                try lua.checkArgumentCount(max: 1)
                let (train, test) = try CIFAR.load10(directory: directory)
                pushParts(lua, SampleDataset(store: train), SampleDataset(store: test))
                return 1
            },
            LuaFunctionSpec("cifar100", "data.cifar100(dir [, {…}])", options: [
                LuaOption("labels", .choice(CIFAR.LabelKind.allCases.map(\.rawValue)), default: "\"fine\"", "the 100 fine classes or the 20 coarse superclasses"),
            ], at: 2,
                            "CIFAR-100 as {train = ds, test = ds} (50,000 and 10,000 colour 3×32×32 images) from the binary version's folder (cifar-100-binary: train.bin, test.bin, fine_label_names.txt, coarse_label_names.txt), labelled by the 100 fine classes (default) or the 20 coarse superclasses.") { lua, options in
                let directory = try lua.checkString(1, "dir")
                try lua.checkArgumentCount(max: 2)
                let kind = CIFAR.LabelKind(rawValue: try options.choice("labels", CIFAR.LabelKind.allCases.map(\.rawValue)) ?? "fine") ?? .fine
                let (train, test) = try CIFAR.load100(directory: directory, labels: kind)
                pushParts(lua, SampleDataset(store: train), SampleDataset(store: test))
                return 1
            },
            LuaFunctionSpec("tensors", "data.tensors(x, y [, {…}])", options: labelOptions, at: 3,
                            "A dataset holding a float32 copy of x (N×…: N samples) labelled by y (a tensor or table of N class numbers 1…classes). classes defaults to the largest label.") { lua, options in
                let x = try lua.check(1, Tensor.self, "x")
                let labels = try lua.checkClassLabels(2, "y")
                try lua.checkArgumentCount(max: 3)
                guard x.rank >= 2 else {
                    throw lua.argumentError(1, "x", expected: "a tensor N×… with at least 2 dimensions (samples first)")
                }
                guard labels.count == x.shape[0] else {
                    throw lua.argumentError(2, "y", expected: "\(x.shape[0]) labels, one per sample of x")
                }
                let classes = try options.integer("classes", in: 1...SampleStore.maxClassCount)
                if let classes, let bad = labels.firstIndex(where: { $0 >= classes }) {
                    throw lua.argumentError(2, "y", expected: "labels in 1…\(classes), but label \(bad + 1) is \(labels[bad] + 1)")
                }
                let store = try SampleStore.copying(inputs: x, labels: labels, classCount: classes,
                                                    classNames: try lua.classNamesOption(options), name: try options.string("name") ?? "tensors")
                lua.push(object: SampleDataset(store: store))
                return 1
            },
            LuaFunctionSpec("epoch_order", "data.epoch_order(count, n [, {…}])", options: [
                LuaOption("seed", .integer, shown: "s", "the seed of the permutation (required with shuffle)"),
                LuaOption("epoch", .integer, default: "1", "the epoch (each has its own permutation)"),
                LuaOption("shuffle", .boolean, default: "true", "a seeded permutation; false: 1…count in order"),
                LuaOption("drop_last", .boolean, default: "false", "leave out a last, smaller batch"),
            ], at: 3,
                            "The batches (tables of sample indices 1…count) in which an epoch visits count samples in batches of n: a seeded permutation per (seed, epoch), or 1…count without shuffle. The trainer and ds:batches use this order, so every model trained with the same data seed sees the same images in the same order.") { lua, options in
                let count = try lua.checkInteger(1, "count")
                guard count >= 0, count <= 1 << 24 else { throw lua.argumentError(1, "count", expected: "a sample count in 0…\(1 << 24)") }
                let size = try lua.checkInteger(2, "n")
                guard size >= 1 else { throw lua.argumentError(2, "n", expected: "a positive batch size") }
                try lua.checkArgumentCount(max: 3)
                let shuffle = try options.boolean("shuffle") ?? true
                let seed = try options.integer("seed")
                if shuffle && seed == nil { throw lua.error("option 'seed' is required with shuffle") }
                let order = try EpochOrder(seed: lua.seed(seed ?? 0), epoch: (try options.integer("epoch", in: 1...Int(Int32.max)) ?? 1) - 1,
                                           count: count, batchSize: size, shuffle: shuffle, dropLast: try options.boolean("drop_last") ?? false)
                lua.newTable(arrayCapacity: order.batchCount)
                for b in 0..<order.batchCount {
                    lua.push(array: order.batch(b).map { $0 + 1 })
                    lua.rawSet(-2, b + 1)
                }
                return 1
            },
        ])

    /// The options of datasets made from labelled samples (data.idx, data.tensors).
    static let labelOptions = [
        LuaOption("classes", .integer, shown: "k", "the number of classes (default: from the largest label)"),
        LuaOption("class_names", .described("a table of class names"), shown: "{…}", "the classes' names, in label order"),
        LuaOption("name", .string, shown: "s", "the dataset's name"),
    ]

    /// Pushes `{train = train, test = test}`.
    static func pushParts(_ lua: Lua, _ train: SampleDataset, _ test: SampleDataset) {
        lua.newTable(fieldCapacity: 2)
        lua.push(object: train); lua.rawSet(-2, "train")
        lua.push(object: test); lua.rawSet(-2, "test")
    }
}
