import Testing
import Bindings
import Engine

@Suite struct BridgeTests {
    @Test func swiftErrorsBecomeLuaErrorsWithTheFunctionName() throws {
        let runtime = try Runtime()
        do {
            try runtime.run("tensor.zeros('x')", chunkName: "=t")
            Issue.record("expected an error")
        } catch let error as LuaCallError {
            #expect(error.message.contains("t:1: tensor.zeros: argument 1 (size)"))
            #expect(error.message.contains("stack traceback"))
        }
        // The state is still usable after the error.
        try runtime.run("x = tensor.zeros(3)")
        #expect(runtime.lua.getGlobal("x") == .userdata)
        let t = runtime.lua.object(-1, as: Tensor.self)
        #expect(t?.shape == [3])
    }

    @Test func closingTheStateReleasesEveryObject() throws {
        weak var weakTensor: Tensor?
        do {
            let runtime = try Runtime()
            let t = try Tensor.zeros([2])
            weakTensor = t
            runtime.lua.push(object: t)
            runtime.lua.setGlobal("kept")
        }
        #expect(weakTensor == nil)
    }
}
