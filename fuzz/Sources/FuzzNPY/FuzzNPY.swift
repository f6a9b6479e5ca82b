import Engine
import FuzzSupport

/// `.npy` files: the path reader (`NPY.load`, what `tensor.load` uses) and the in-memory
/// decoder (`NPY.decode`, what reads `.npz` members) on the same bytes.
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = fuzzInput(data, size)
    guard let file else { return 0 }
    file.set(bytes)
    _ = try? NPY.load(file.path)
    _ = try? NPY.decode(bytes, name: "input")
    return 0
}
