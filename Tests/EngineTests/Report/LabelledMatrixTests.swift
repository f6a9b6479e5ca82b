import Testing
@testable import Engine

@Suite struct LabelledMatrixTests {
    @Test func tableHasRowNamesThenOneColumnPerMatrixColumn() throws {
        let m = try LabelledMatrix(rows: ["conv1", "fc"], columns: ["conv1", "fc"], values: [1, 0.5, 0.25, 1],
                                   rowTitle: "layer", columnTitle: "layer", measure: "cka(linear)")
        let t = try m.table()
        #expect(t.columns == ["layer", "conv1", "fc"])
        #expect(t.rows[1] == [.string("fc"), .number(0.25), .number(1)])
        #expect(t.title == "cka(linear) similarity: 2 layers × 2 layers (1 = identical)")
        #expect(m.value(1, 0) == 0.25)
        #expect(m.value(2, 0) == nil)
        let clash = try LabelledMatrix(rows: ["a"], columns: ["layer", "layer"], values: [1, 2], rowTitle: "layer", columnTitle: "snapshot", measure: "svcca")
        #expect(try clash.table().columns == ["layer \\ snapshot", "layer", "layer (2)"])
        #expect(throws: EngineError.self) {
            try LabelledMatrix(rows: ["a"], columns: ["b"], values: [1, 2], rowTitle: "r", columnTitle: "c", measure: "m")
        }
    }

    @Test func indentedJSONIsPythonsLayout() throws {
        let v = JSON.object([(key: "a", value: .array([.integer(1), .number(0.5)])), (key: "b", value: .object([])), (key: "c", value: .array([]))])
        #expect(v.text(indent: 2) == "{\n  \"a\": [\n    1,\n    0.5\n  ],\n  \"b\": {},\n  \"c\": []\n}")
        #expect(v.text(indent: 0) == "{\"a\":[1,0.5],\"b\":{},\"c\":[]}")
        #expect(try JSON.parse(Array(v.text(indent: 3).utf8)) == v)
    }
}
