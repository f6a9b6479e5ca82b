/// NumPy's `.npy` format (NEP 1, format versions 1.0, 2.0 and 3.0).
///
/// A file is the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (2 bytes little-endian in 1.0, 4 bytes in 2.0/3.0), an ASCII (3.0: UTF-8) Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline so
/// that the data starts at a multiple of 64 bytes, and then the raw elements.
///
/// Loading accepts float16/32/64, int8–64, uint8–64 and bool (see ``StoredElementType`` for how
/// they become float32/float64), C and Fortran order (Fortran-order data is transposed into a
/// C-order tensor), little-endian only (big-endian is an error saying so). Object and structured
/// arrays are refused (a .npy file can never make prunelab run code). Saving writes float32
/// (`<f4`) or float64 (`<f8`) in C order, version 1.0 unless the header needs 2.0.
public enum NPY {
    /// What a header says.
    public struct Header: Equatable, Sendable {
        /// Stored element type.
        public var type: StoredElementType
        /// Array shape (as the header states it, whatever the order).
        public var shape: [Int]
        /// Whether the data is in column-major (Fortran) order.
        public var fortranOrder: Bool
        /// Byte offset of the first element.
        public var dataOffset: Int
        /// Number of elements.
        public var count: Int
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Headers longer than this are refused as malformed.
    static let maxHeaderLength = 1 << 20

    /// Loads the tensor in the .npy file at `path`.
    public static func load(_ path: String) throws -> Tensor {
        let file = try ReadableFile(path)
        let prefix = try file.bytes(at: 0, count: Swift.min(file.size, 12), what: "header")
        let headerLength = try declaredHeaderLength(prefix, name: path, available: file.size)
        let headerBytes = try file.bytes(at: 0, count: headerLength, what: "header")
        let header = try parseHeader(headerBytes, name: path)
        try checkDataSize(header, available: file.size - header.dataOffset, name: path)
        let tensor = try Tensor(shape: header.fortranOrder ? header.shape.reversed() : header.shape, dtype: header.type.tensorType, zeroed: false)
        let bytes = header.count * header.type.byteSize
        if header.type == .float32 || header.type == .float64 {
            try file.read(at: header.dataOffset, count: bytes, into: tensor.storage.raw, what: "data")
        } else {
            let staged = try file.bytes(at: header.dataOffset, count: bytes, what: "data")
            try staged.withUnsafeBytes { try header.type.decode($0.baseAddress ?? UnsafeRawPointer(tensor.storage.raw), count: header.count, into: tensor, name: path) }
        }
        return try inCOrder(tensor, header)
    }

    /// Decodes a whole .npy file held in memory (an .npz member). `name` is used in errors.
    public static func decode(_ bytes: [UInt8], name: String) throws -> Tensor {
        let headerLength = try declaredHeaderLength(Array(bytes.prefix(12)), name: name, available: bytes.count)
        let header = try parseHeader(Array(bytes.prefix(headerLength)), name: name)
        try checkDataSize(header, available: bytes.count - header.dataOffset, name: name)
        let tensor = try Tensor(shape: header.fortranOrder ? header.shape.reversed() : header.shape, dtype: header.type.tensorType, zeroed: false)
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            try header.type.decode(base + header.dataOffset, count: header.count, into: tensor, name: name)
        }
        return try inCOrder(tensor, header)
    }

    /// Decodes a .npy held in a stream of known size (an .npz member): the header first, then
    /// float32/float64 data straight into the tensor's storage (other element types through a
    /// buffer of their stored size), so the array is never held twice.
    static func decode(_ source: ByteStream) throws -> Tensor {
        let name = source.name, size = source.knownSize ?? 0
        var prefix = try source.bytes(Swift.min(size, 10), what: "header")
        if prefix.count == 10, Array(prefix.prefix(6)) == magic, prefix[6] == 2 || prefix[6] == 3 {
            prefix += try source.bytes(Swift.min(size - 10, 2), what: "header")
        }
        let headerLength = try declaredHeaderLength(prefix, name: name, available: size)
        let headerBytes = prefix + (try source.bytes(headerLength - prefix.count, what: "header"))
        let header = try parseHeader(headerBytes, name: name)
        try checkDataSize(header, available: size - header.dataOffset, name: name)
        let tensor = try Tensor(shape: header.fortranOrder ? header.shape.reversed() : header.shape, dtype: header.type.tensorType, zeroed: false)
        let bytes = header.count * header.type.byteSize
        if header.type == .float32 || header.type == .float64 {
            try source.read(into: tensor.storage.raw, count: bytes, what: "data")
        } else {
            let staged = try source.bytes(bytes, what: "data")
            try staged.withUnsafeBytes { try header.type.decode($0.baseAddress ?? UnsafeRawPointer(tensor.storage.raw), count: header.count, into: tensor, name: name) }
        }
        try source.finish(expected: "\(size) bytes announced")
        return try inCOrder(tensor, header)
    }

    /// Saves `tensor` to `path` (atomically) as C-order `<f4` or `<f8`.
    public static func save(_ tensor: Tensor, to path: String) throws {
        let data = try tensor.contiguous()
        let header = encodeHeader(shape: tensor.shape, type: .exact(tensor.dtype))
        try FileIO.writeAtomically(path) { write in
            try header.withUnsafeBytes { try write($0) }
            try withExtendedLifetime(data) {
                try write(UnsafeRawBufferPointer(start: data.firstElementAddress, count: data.count * data.dtype.byteSize))
            }
        }
    }

    /// The header bytes (magic, version, length, padded dict) for an array of `shape` and `type`
    /// in C order; the data follows at a multiple of 64 bytes.
    public static func encodeHeader(shape: [Int], type: StoredElementType) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = Array("{'descr': '\(type.numpyDescr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        var version: UInt8 = 1
        var prefixLength = 10
        if dict.count + 1 + prefixLength > 65535 {
            version = 2
            prefixLength = 12
        }
        let total = (prefixLength + dict.count + 1 + 63) / 64 * 64
        let headerLength = total - prefixLength
        var out = magic + [version, 0]
        if version == 1 {
            out += [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        } else {
            out += (0..<4).map { UInt8((headerLength >> (8 * $0)) & 0xFF) }
        }
        out += dict
        out += [UInt8](repeating: 0x20, count: total - out.count - 1)
        out.append(0x0A)
        return out
    }

    /// From the first bytes: the total length of magic, version, length field and header dict.
    static func declaredHeaderLength(_ prefix: [UInt8], name: String, available: Int) throws -> Int {
        guard prefix.count >= 8, Array(prefix.prefix(6)) == magic else {
            if prefix.count < 8 && magic.starts(with: prefix) {
                throw EngineError.file(name, "truncated: \(prefix.count) bytes is too short for a .npy header")
            }
            throw EngineError.file(name, "not a .npy file (bad magic: expected \\x93NUMPY)")
        }
        let major = prefix[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw EngineError.file(name, "unsupported .npy format version \(major).\(prefix[7]) (supported: 1.0, 2.0, 3.0)")
        }
        guard prefix.count >= 8 + lengthBytes else {
            throw EngineError.file(name, "truncated: the .npy header length field is incomplete")
        }
        var length = 0
        for i in 0..<lengthBytes { length |= Int(prefix[8 + i]) << (8 * i) }
        guard length <= maxHeaderLength else {
            throw EngineError.file(name, "malformed .npy header: declared length \(length) bytes exceeds the \(maxHeaderLength)-byte limit")
        }
        let total = 8 + lengthBytes + length
        guard total <= available else {
            throw EngineError.file(name, "truncated: the .npy header declares \(length) bytes but the file ends after \(available - 8 - lengthBytes)")
        }
        return total
    }

    /// Parses the whole header (magic through padding).
    static func parseHeader(_ bytes: [UInt8], name: String) throws -> Header {
        let lengthBytes = bytes[6] == 1 ? 2 : 4
        let dictBytes = bytes[(8 + lengthBytes)...]
        if bytes[6] < 3, dictBytes.contains(where: { $0 >= 0x80 }) {
            throw EngineError.file(name, "malformed .npy header: non-ASCII bytes in a version \(bytes[6]) header")
        }
        var parser = HeaderParser(text: Array(dictBytes), name: name)
        let fields = try parser.dictionary()
        guard Set(fields.keys) == ["descr", "fortran_order", "shape"] else {
            throw EngineError.file(name, "malformed .npy header: expected the keys descr, fortran_order and shape, got \(fields.keys.sorted().joined(separator: ", "))")
        }
        guard case .string(let descr)? = fields["descr"] else {
            throw EngineError.file(name, "unsupported .npy dtype: structured (record) arrays are not supported")
        }
        guard case .boolean(let fortran)? = fields["fortran_order"] else {
            throw EngineError.file(name, "malformed .npy header: fortran_order must be True or False")
        }
        guard case .tuple(let shape)? = fields["shape"] else {
            throw EngineError.file(name, "malformed .npy header: shape must be a tuple of integers")
        }
        let type: StoredElementType
        switch StoredElementType.fromNumpy(descr) {
        case .success(let t): type = t
        case .failure(let e): throw EngineError.file(name, e.message)
        }
        let count: Int
        do { count = try Shape.validatedCount(shape) } catch let e as EngineError {
            throw EngineError.file(name, "malformed .npy header: \(e.message)")
        }
        return Header(type: type, shape: shape, fortranOrder: fortran, dataOffset: bytes.count, count: count)
    }

    static func checkDataSize(_ header: Header, available: Int, name: String) throws {
        let (needed, overflow) = header.count.multipliedReportingOverflow(by: header.type.byteSize)
        guard !overflow else { throw EngineError.file(name, "malformed .npy header: shape too large") }
        if available < needed {
            throw EngineError.file(name, "truncated: shape \(Shape.describe(header.shape)) of \(header.type.rawValue) needs \(needed) data bytes, the file has \(available)")
        }
        if available > needed {
            throw EngineError.file(name, "\(available - needed) unexpected bytes after the data (shape \(Shape.describe(header.shape)) of \(header.type.rawValue) needs \(needed))")
        }
    }

    /// A Fortran-order array was read as the C-order array of reversed shape: transpose it back
    /// and lay it out in C order.
    static func inCOrder(_ tensor: Tensor, _ header: Header) throws -> Tensor {
        guard header.fortranOrder, tensor.rank > 1 else { return tensor }
        return try tensor.permuted(Array((0..<tensor.rank).reversed())).contiguous()
    }

    /// The Python literal values a header holds.
    enum Literal: Equatable {
        case string(String), boolean(Bool), tuple([Int]), other
    }

    /// A parser for the restricted Python dict literal of .npy headers.
    struct HeaderParser {
        let text: [UInt8]
        let name: String
        var at = 0

        init(text: [UInt8], name: String) {
            self.text = text
            self.name = name
        }

        func failure(_ message: String) -> EngineError {
            EngineError.file(name, "malformed .npy header: \(message) (header: \(String(decoding: text.prefix(120), as: UTF8.self).trimmingSpaces))")
        }

        mutating func skipSpace() {
            while at < text.count, text[at] == 0x20 || text[at] == 0x0A || text[at] == 0x09 || text[at] == 0x0D { at += 1 }
        }

        mutating func expect(_ c: Character) throws {
            skipSpace()
            guard at < text.count, text[at] == c.asciiValue else { throw failure("expected '\(c)'") }
            at += 1
        }

        mutating func peek(_ c: Character) -> Bool {
            skipSpace()
            return at < text.count && text[at] == c.asciiValue
        }

        mutating func dictionary() throws -> [String: Literal] {
            try expect("{")
            var result: [String: Literal] = [:]
            while !peek("}") {
                let key = try string()
                try expect(":")
                guard result[key] == nil else { throw failure("repeated key '\(key)'") }
                result[key] = try value()
                if peek(",") { at += 1 } else { break }
            }
            try expect("}")
            skipSpace()
            guard at == text.count else { throw failure("unexpected text after the dict") }
            return result
        }

        mutating func string() throws -> String {
            skipSpace()
            guard at < text.count, text[at] == 0x27 || text[at] == 0x22 else { throw failure("expected a quoted string") }
            let quote = text[at]
            at += 1
            let start = at
            while at < text.count, text[at] != quote {
                if text[at] == 0x5C { throw failure("escapes in strings are not supported") }
                at += 1
            }
            guard at < text.count else { throw failure("unterminated string") }
            let s = String(decoding: text[start..<at], as: UTF8.self)
            at += 1
            return s
        }

        mutating func value() throws -> Literal {
            skipSpace()
            guard at < text.count else { throw failure("expected a value") }
            switch text[at] {
            case 0x27, 0x22: return .string(try string())
            case UInt8(ascii: "("): return .tuple(try tuple())
            case UInt8(ascii: "T"): try word("True"); return .boolean(true)
            case UInt8(ascii: "F"): try word("False"); return .boolean(false)
            case UInt8(ascii: "["):
                // A structured dtype's field list: skip it, balanced.
                var depth = 0
                repeat {
                    if text[at] == UInt8(ascii: "[") { depth += 1 }
                    if text[at] == UInt8(ascii: "]") { depth -= 1 }
                    at += 1
                } while depth > 0 && at < text.count
                guard depth == 0 else { throw failure("unterminated list") }
                return .other
            default:
                throw failure("unexpected value")
            }
        }

        mutating func word(_ w: String) throws {
            let bytes = Array(w.utf8)
            guard text.count - at >= bytes.count, Array(text[at..<at + bytes.count]) == bytes else { throw failure("unexpected value") }
            at += bytes.count
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var items: [Int] = []
            while !peek(")") {
                skipSpace()
                let start = at
                while at < text.count, (0x30...0x39).contains(text[at]) { at += 1 }
                guard at > start, at - start <= 18, let v = Int(String(decoding: text[start..<at], as: UTF8.self)) else {
                    throw failure("shape entries must be non-negative integers")
                }
                if at < text.count, text[at] == UInt8(ascii: "L") { at += 1 }  // Python 2 long
                items.append(v)
                if peek(",") { at += 1 } else { break }
            }
            try expect(")")
            return items
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\n" { s = s.dropLast() }
        return String(s)
    }
}

extension Tensor {
    /// Address of element `[0, …]` (for byte-level IO of contiguous tensors).
    var firstElementAddress: UnsafeMutableRawPointer {
        storage.raw + offset * dtype.byteSize
    }
}
