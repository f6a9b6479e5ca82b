import CLua
import Engine

extension SampleDataset: LuaBindable {
    /// The Lua class of datasets (`data.fashion_mnist().train`, `data.tensors(x, y)`, …).
    public static let luaClass = LuaClass(
        name: "dataset",
        doc: """
            A labelled dataset: #ds samples, ds[i] = {image, label}, ds.classes classes (labels \
            1…classes) named by ds.class_names, samples of shape ds.shape. Images are stored \
            compactly (bytes for Fashion-MNIST and CIFAR) and read as float32 scaled to [0, 1]. \
            subset, split, normalize and augment return views that share the images. Iterate \
            with `for x, y in ds:batches(128, {shuffle = true, seed = 1}) do … end`: x is a \
            float32 tensor N×shape, y a float32 tensor of N labels in 1…classes.
            """,
        methods: DatasetMethods.all,
        metamethods: DatasetMethods.metamethods,
        fields: [
            field("classes", "the number of classes (labels 1…classes)") { lua, ds in lua.push(ds.classCount) },
            field("class_names", "the class names, label order") { lua, ds in lua.push(array: ds.classNames) },
            field("shape", "the shape of one sample") { lua, ds in lua.push(array: ds.sampleShape) },
            field("name", "the dataset's name") { lua, ds in lua.push(ds.store.name) },
        ],
        elements: DatasetMethods.index,
        describe: { object in
            guard let ds = object as? SampleDataset else { return "dataset" }
            return "dataset (\(ds.count) samples of \(Shape.describe(ds.sampleShape)))"
        })
}
