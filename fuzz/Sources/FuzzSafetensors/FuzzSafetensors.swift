import Engine
import FuzzSupport

/// `.safetensors` files: the header alone, every tensor, and one tensor by name.
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file else { return 0 }
    file.set(fuzzInput(data, size))
    if let header = try? Safetensors.header(file.path), let last = header.entries.last {
        _ = try? Safetensors.read(file.path, key: last.name)
    }
    _ = try? Safetensors.read(file.path)
    return 0
}
