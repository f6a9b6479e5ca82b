import Engine
import FuzzSupport

/// Model checkpoints (`models.load`): a safetensors file whose metadata holds the architecture
/// as JSON; loading validates the header, rebuilds the layers from the architecture, infers
/// shapes from the declared input, and checks and copies every tensor.
///
/// An input is either a whole checkpoint file, or (when it starts with `{`) only its JSON header:
/// the harness then adds the 8-byte length and zero-filled data up to the largest `data_offsets`
/// end (at most 1 MB), so that mutations which change the header's length (bigger numbers in the
/// architecture, new layers) still reach the model builder instead of failing the framing.
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file else { return 0 }
    let bytes = fuzzInput(data, size)
    if bytes.first == UInt8(ascii: "{") {
        guard let header = try? JSON.parse(bytes), case .object(let pairs) = header else { return 0 }
        var end = 0
        for (_, value) in pairs {
            if case .array(let offsets)? = value["data_offsets"], offsets.count == 2, let e = offsets[1].intValue {
                end = Swift.max(end, e)
            }
        }
        guard end <= 1 << 20 else { return 0 }
        var framed: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) }
        framed += bytes
        framed += [UInt8](repeating: 0, count: end)
        file.set(framed)
    } else {
        file.set(bytes)
    }
    _ = try? Model.load(file.path)
    return 0
}
