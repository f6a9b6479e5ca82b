/// Element types found in tensor files (.npy/.npz descr codes, safetensors dtype names) and how
/// each becomes a prunelab tensor.
///
/// Floats keep their precision: float32 → float32, float64 → float64; float16 and bfloat16
/// widen exactly to float32. Integers and booleans become floats without rounding: 8- and 16-bit
/// integers and booleans (0/1) → float32, which holds them exactly; 32- and 64-bit integers →
/// float64. A 64-bit integer whose magnitude exceeds 2^53 cannot be held exactly by float64 and
/// is an error naming the file and the element. Files are little-endian.
public enum StoredElementType: String, Sendable, CaseIterable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The tensor type values of this type load as.
    public var tensorType: DType {
        switch self {
        case .float16, .bfloat16, .float32, .int8, .int16, .uint8, .uint16, .bool: .float32
        case .float64, .int32, .int64, .uint32, .uint64: .float64
        }
    }

    /// The stored type that saves a tensor of `dtype` without conversion.
    public static func exact(_ dtype: DType) -> StoredElementType {
        dtype == .float32 ? .float32 : .float64
    }

    /// NumPy's little-endian descr code (`<f4`, `|u1`, …).
    public var numpyDescr: String {
        switch self {
        case .float16: "<f2"
        case .bfloat16: "<V2"  // NumPy has no bfloat16; never written
        case .float32: "<f4"
        case .float64: "<f8"
        case .int8: "|i1"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .uint8: "|u1"
        case .uint16: "<u2"
        case .uint32: "<u4"
        case .uint64: "<u8"
        case .bool: "|b1"
        }
    }

    /// The type of a NumPy descr, or an error message saying why it is not supported.
    static func fromNumpy(_ descr: String) -> Result<StoredElementType, EngineError> {
        guard let order = descr.first, descr.count >= 3 else {
            return .failure(EngineError("unsupported dtype '\(descr)'"))
        }
        let code = String(descr.dropFirst())
        let known: [String: StoredElementType] = [
            "f2": .float16, "f4": .float32, "f8": .float64, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "b1": .bool,
        ]
        guard let type = known[code] else {
            return .failure(EngineError("unsupported dtype '\(descr)' (supported: float16/32/64, int8–64, uint8–64, bool)"))
        }
        switch order {
        case "<", "|": return .success(type)
        case "=": return .success(type)  // native order; this machine is little-endian
        case ">":
            if type.byteSize == 1 { return .success(type) }
            return .failure(EngineError("big-endian dtype '\(descr)' is not supported (re-save it little-endian, e.g. with a.astype('<\(code)'))"))
        default:
            return .failure(EngineError("unsupported dtype '\(descr)'"))
        }
    }

    /// The safetensors dtype name (`F32`, `I64`, `BOOL`, …).
    public var safetensorsName: String {
        switch self {
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .uint8: "U8"
        case .uint16: "U16"
        case .uint32: "U32"
        case .uint64: "U64"
        case .bool: "BOOL"
        }
    }

    /// The type of a safetensors dtype name, or nil.
    static func fromSafetensors(_ name: String) -> StoredElementType? {
        allCases.first { $0.safetensorsName == name }
    }

    /// Converts `count` little-endian elements at `source` into `destination` (a contiguous
    /// tensor of ``tensorType`` with `count` elements). `name` is the file, for errors.
    func decode(_ source: UnsafeRawPointer, count: Int, into destination: Tensor, name: String) throws {
        switch tensorType {
        case .float32:
            let out = destination.mutablePointer(as: Float.self)
            switch self {
            case .float32: UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: 4 * count)
            case .float16:
                for i in 0..<count {
                    out[i] = Float(Float16(bitPattern: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                }
            case .bfloat16:
                for i in 0..<count {
                    let bits = UInt32(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16
                    out[i] = Float(bitPattern: bits)
                }
            case .int8: for i in 0..<count { out[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
            case .uint8: for i in 0..<count { out[i] = Float(source.load(fromByteOffset: i, as: UInt8.self)) }
            case .bool: for i in 0..<count { out[i] = source.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0 }
            case .int16:
                for i in 0..<count { out[i] = Float(Int16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .uint16:
                for i in 0..<count { out[i] = Float(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            default: break
            }
        case .float64:
            let out = destination.mutablePointer(as: Double.self)
            switch self {
            case .float64: UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: 8 * count)
            case .int32:
                for i in 0..<count { out[i] = Double(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .uint32:
                for i in 0..<count { out[i] = Double(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .int64:
                for i in 0..<count {
                    let v = Int64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))
                    guard v.magnitude <= 1 << 53 else { throw StoredElementType.inexact(String(v), i, name) }
                    out[i] = Double(v)
                }
            case .uint64:
                for i in 0..<count {
                    let v = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    guard v <= 1 << 53 else { throw StoredElementType.inexact(String(v), i, name) }
                    out[i] = Double(v)
                }
            default: break
            }
        }
    }

    private static func inexact(_ value: String, _ index: Int, _ name: String) -> EngineError {
        EngineError.file(name, "integer \(value) at element \(index) cannot be held exactly as float64 (integers must lie within ±2^53)")
    }
}
