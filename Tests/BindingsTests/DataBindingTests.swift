import Testing
import Bindings
import Engine

/// The data module seen from Swift: what a training binding receives from Lua.
@Suite struct DataBindingTests {
    @Test func luaDatasetsReachSwiftThroughTheDatasetProtocol() throws {
        let runtime = try Runtime()
        try runtime.run("""
            local x = tensor.zeros(5, 1, 2, 2)
            ds = data.tensors(x, {1, 2, 3, 2, 1}):subset(2, 3)
            """, chunkName: "=t")
        runtime.lua.getGlobal("ds")
        let ds: any Dataset = try runtime.lua.checkDataset(-1)
        #expect(ds.count == 3 && ds.classCount == 3 && ds.sampleShape == [1, 2, 2])
        var none: RandomGenerator? = nil
        #expect(try ds.batch([0, 1, 2], augmentation: &none).labels == [1, 2, 1])  // 0-based in Engine
        runtime.lua.push(42)
        #expect(throws: LuaError.self) { try runtime.lua.checkDataset(-1) }
    }
}
