/// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), plain or
/// gzip-compressed.
///
/// A file is a 4-byte magic number `00 00 tt nn` (`tt` the element type, 0x08 for unsigned
/// bytes; `nn` the number of dimensions), `nn` big-endian UInt32 sizes, then the values in
/// row-major order. Images are `N × H × W` (or `N × D`), labels `N`. Loading checks the
/// magic number, the element type, the dimensions and that the file holds exactly the
/// announced number of values, and names the file in every error.
public enum IDXFile {
    /// A parsed file: its sizes and its values (unsigned bytes).
    public struct Contents {
        /// The sizes from the header, outermost first (e.g. `[60000, 28, 28]`).
        public let dimensions: [Int]
        /// Every value, row-major (the product of `dimensions` of them).
        public let values: [UInt8]
    }

    /// Reads and parses the file at `path`, decompressing it first if it is gzip
    /// (detected by its `1f 8b` signature, not its name).
    public static func read(_ path: String) throws -> Contents {
        var bytes = try FileIO.read(path)
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B {
            bytes = try gunzip(bytes, name: path)
        }
        return try parse(consume bytes, name: path)
    }

    /// Decompresses a gzip file, sizing the output from the trailer's length field (the
    /// uncompressed size mod 2³²) when that is right, as it is for a single-member file under
    /// 4 GiB; otherwise (several members, larger files) without a size.
    static func gunzip(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        if bytes.count >= 18 {
            let n = bytes.count
            let announced = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            // Deflate expands at most ~1032:1; a larger claim is not this file's size.
            if announced > 0, announced <= n * 1032, let exact = try? Inflate.decompress(bytes, format: .gzip, expectedSize: announced, name: name) {
                return exact
            }
        }
        return try Inflate.decompress(bytes, format: .gzip, name: name)
    }

    /// Parses IDX bytes; `name` (the file) is used in errors. The values are the same buffer
    /// with the header removed in place (no second copy of the payload when the caller hands
    /// over its only reference, as ``read(_:)`` does).
    public static func parse(_ bytes: consuming [UInt8], name: String) throws -> Contents {
        guard bytes.count >= 4 else {
            throw EngineError.file(name, "not an IDX file: \(bytes.count) bytes, shorter than the 4-byte magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw EngineError.file(name, "not an IDX file: magic number \(hex(bytes.prefix(4))), expected 00 00 08 0n")
        }
        guard bytes[2] == 0x08 else {
            throw EngineError.file(name, "unsupported IDX element type 0x\(hex(bytes[2...2])) (magic \(hex(bytes.prefix(4)))), expected 0x08 (unsigned bytes)")
        }
        let rank = Int(bytes[3])
        guard (1...4).contains(rank) else {
            throw EngineError.file(name, "IDX file with \(rank) dimensions (magic \(hex(bytes.prefix(4)))), expected 1 to 4")
        }
        let header = 4 + 4 * rank
        guard bytes.count >= header else {
            throw EngineError.file(name, "truncated IDX header: \(bytes.count) bytes, the \(rank) sizes need \(header)")
        }
        var dimensions: [Int] = []
        var total = 1, overflow = false
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dimensions.append(size)
            let (t, o2) = total.multipliedReportingOverflow(by: size)
            total = t
            overflow = overflow || o2
        }
        let payload = bytes.count - header
        guard !overflow, total == payload else {
            let shape = dimensions.map(String.init).joined(separator: "×")
            if overflow || total > payload {
                throw EngineError.file(name, "truncated: the header announces \(shape) = \(overflow ? "too many" : String(total)) values, the file holds \(payload)")
            }
            throw EngineError.file(name, "\(payload - total) unexpected bytes after the \(shape) = \(total) values the header announces")
        }
        bytes.removeFirst(header)
        return Contents(dimensions: dimensions, values: bytes)
    }

    /// A store of the images in `imagesPath` (`N × H × W` → samples `1 × H × W`; `N × D` →
    /// samples `D`) labelled by `labelsPath` (`N` bytes). `classCount` defaults to the
    /// largest label + 1; `classNames` to "1", "2", ….
    public static func load(images imagesPath: String, labels labelsPath: String, classCount: Int? = nil,
                            classNames: [String] = [], name: String? = nil) throws -> SampleStore {
        let images = try read(imagesPath)
        let labels = try read(labelsPath)
        let sampleShape: [Int]
        switch images.dimensions.count {
        case 3: sampleShape = [1, images.dimensions[1], images.dimensions[2]]
        case 2: sampleShape = [images.dimensions[1]]
        default:
            throw EngineError.file(imagesPath, "expected images with 3 dimensions (N×H×W) or 2 (N×D), got \(images.dimensions.count) (\(images.dimensions.map(String.init).joined(separator: "×")))")
        }
        guard labels.dimensions.count == 1 else {
            throw EngineError.file(labelsPath, "expected labels with 1 dimension (N), got \(labels.dimensions.count) (\(labels.dimensions.map(String.init).joined(separator: "×")))")
        }
        guard labels.dimensions[0] == images.dimensions[0] else {
            throw EngineError.file(labelsPath, "holds \(labels.dimensions[0]) labels but \(imagesPath) holds \(images.dimensions[0]) images")
        }
        guard sampleShape.allSatisfy({ $0 > 0 }) else {
            throw EngineError.file(imagesPath, "images of size \(sampleShape.map(String.init).joined(separator: "×")): expected every size positive")
        }
        let largest = Int(labels.values.max() ?? 0)
        let classes = classCount ?? (largest + 1)
        guard largest < classes else {
            let at = labels.values.firstIndex(where: { Int($0) >= classes }) ?? 0
            throw EngineError.file(labelsPath, "label \(Int(labels.values[at]) + 1) of sample \(at + 1) is outside the \(classes) classes")
        }
        return try SampleStore(pixels: .bytes(images.values), labels: labels.values.map { Int32($0) },
                               sampleShape: sampleShape, classCount: classes, classNames: classNames,
                               name: name ?? fileName(imagesPath))
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: " ")
    }

    /// The last path component.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
