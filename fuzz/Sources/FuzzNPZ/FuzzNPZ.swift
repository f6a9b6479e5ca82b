import Engine
import FuzzSupport

/// `.npz` archives (zip, stored or deflated `.npy` members): keys, every member, and one
/// member by key, as `tensor.load` / `tensor.keys` read them.
let file = InputFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let file else { return 0 }
    file.set(fuzzInput(data, size))
    if let keys = try? NPZ.keys(file.path), let first = keys.first {
        _ = try? NPZ.load(file.path, key: first)
    }
    _ = try? NPZ.loadAll(file.path)
    return 0
}
