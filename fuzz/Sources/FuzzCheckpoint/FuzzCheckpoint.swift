import Engine
import FuzzSupport

/// Model checkpoints (`models.load`): a safetensors file whose metadata holds the architecture
/// as JSON; loading validates the header, rebuilds the layers from the architecture, infers
/// shapes from the declared input, and checks and copies every tensor.
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file else { return 0 }
    file.set(fuzzInput(data, size))
    _ = try? Model.load(file.path)
    return 0
}
