/// CIFAR-10 and CIFAR-100 (Krizhevsky, 2009) from their binary versions
/// (https://www.cs.toronto.edu/~kriz/cifar.html): 32×32 colour images, 50,000 for training
/// and 10,000 for testing.
///
/// A binary batch file is a sequence of records, each its label byte(s) followed by 3072
/// image bytes: the 1024 red values, then green, then blue, each plane row-major. CIFAR-10
/// records have one label byte (3073 bytes); CIFAR-100 records have the coarse (superclass)
/// then the fine label byte (3074 bytes). Loading checks that every file is a whole, non-zero
/// number of records and that every label is in range, naming the file (and record) in errors.
public enum CIFAR {
    /// Which CIFAR-100 label a dataset uses.
    public enum LabelKind: String, Sendable, CaseIterable {
        /// The 100 classes.
        case fine
        /// The 20 superclasses.
        case coarse
    }

    /// Image bytes in one record.
    public static let imageSize = 3 * 32 * 32

    /// CIFAR-10 from `directory` (the extracted `cifar-10-batches-bin`): training from
    /// `data_batch_1.bin` … `data_batch_5.bin`, test from `test_batch.bin`; class names from
    /// `batches.meta.txt` (one per line) when present.
    public static func load10(directory: String) throws -> (train: SampleStore, test: SampleStore) {
        let names = try classNames(directory + "/batches.meta.txt", count: 10)
        let trainFiles = (1...5).map { "\(directory)/data_batch_\($0).bin" }
        let train = try load(files: trainFiles, labelBytes: 1, labelOffset: 0, classCount: 10, classNames: names, name: "CIFAR-10 train")
        let test = try load(files: ["\(directory)/test_batch.bin"], labelBytes: 1, labelOffset: 0, classCount: 10, classNames: names, name: "CIFAR-10 test")
        return (train, test)
    }

    /// CIFAR-100 from `directory` (the extracted `cifar-100-binary`): `train.bin` and
    /// `test.bin`, labelled by the 100 fine classes or the 20 coarse superclasses; class
    /// names from `fine_label_names.txt` / `coarse_label_names.txt` when present.
    public static func load100(directory: String, labels: LabelKind = .fine) throws -> (train: SampleStore, test: SampleStore) {
        let classes = labels == .fine ? 100 : 20
        let names = try classNames("\(directory)/\(labels.rawValue)_label_names.txt", count: classes)
        let offset = labels == .fine ? 1 : 0
        let title = "CIFAR-100 (\(labels.rawValue))"
        let train = try load(files: ["\(directory)/train.bin"], labelBytes: 2, labelOffset: offset, classCount: classes, classNames: names, name: "\(title) train")
        let test = try load(files: ["\(directory)/test.bin"], labelBytes: 2, labelOffset: offset, classCount: classes, classNames: names, name: "\(title) test")
        return (train, test)
    }

    /// The records of `files`, in order, as one store.
    static func load(files: [String], labelBytes: Int, labelOffset: Int, classCount: Int, classNames: [String], name: String) throws -> SampleStore {
        let recordSize = labelBytes + imageSize
        var contents: [[UInt8]] = []
        for file in files {
            let bytes = try FileIO.read(file)
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
                throw EngineError.file(file, "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records (\(labelBytes) label byte\(labelBytes == 1 ? "" : "s") + \(imageSize) image bytes)")
            }
            contents.append(bytes)
        }
        let total = contents.reduce(0) { $0 + $1.count / recordSize }
        var pixels = [UInt8](repeating: 0, count: total * imageSize)
        var labels = [Int32](repeating: 0, count: total)
        var n = 0
        try pixels.withUnsafeMutableBufferPointer { out in
            guard let destination = out.baseAddress else { return }
            for (file, bytes) in zip(files, contents) {
                try bytes.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    for r in 0..<(bytes.count / recordSize) {
                        let record = base + r * recordSize
                        let label = Int(record[labelOffset])
                        guard label < classCount else {
                            throw EngineError.file(file, "record \(r + 1) has label \(label), expected 0…\(classCount - 1) (\(classCount) classes)")
                        }
                        labels[n] = Int32(label)
                        (destination + n * imageSize).update(from: record + labelBytes, count: imageSize)
                        n += 1
                    }
                }
            }
        }
        return try SampleStore(pixels: .bytes(pixels), labels: labels, sampleShape: [3, 32, 32],
                               classCount: classCount, classNames: classNames, name: name)
    }

    /// The non-empty lines of the text file at `path` (trimmed), which must be `count`; an
    /// empty array when the file does not exist.
    static func classNames(_ path: String, count: Int) throws -> [String] {
        guard FileIO.exists(path) else { return [] }
        let text = String(decoding: try FileIO.read(path), as: UTF8.self)
        let names = text.split(whereSeparator: \.isNewline)
            .map { trimmed($0) }
            .filter { !$0.isEmpty }
        guard names.count == count else {
            throw EngineError.file(path, "holds \(names.count) class names, expected \(count) (one per line)")
        }
        return names
    }

    /// `line` without leading and trailing spaces, tabs and carriage returns.
    private static func trimmed(_ line: Substring) -> String {
        let blank: Set<Character> = [" ", "\t", "\r"]
        var s = line
        while let first = s.first, blank.contains(first) { s = s.dropFirst() }
        while let last = s.last, blank.contains(last) { s = s.dropLast() }
        return String(s)
    }
}
