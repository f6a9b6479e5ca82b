import Testing
@testable import Engine

/// The table formatters against hand-written expected text.
@Suite struct TableFormatTests {
    /// layer | svcca | epochs | note, with a NaN, a missing cell and characters every format escapes.
    static func sample(title: String? = nil) throws -> Table {
        try Table(columns: ["layer", "svcca", "epochs", "note"], rows: [
            [.string("conv1"), .number(0.8123), .integer(3), .string("a|b")],
            [.string("fc_2"), .number(.nan), .integer(12), .missing],
            [.string("out"), .number(0.5), .integer(-1), .string("x, \"y\"")],
        ], title: title)
    }

    @Test func plainTextAlignsNumbersRightAndTextLeft() throws {
        let expected = """
        layer   svcca  epochs  note
        conv1  0.8123       3  a|b
        fc_2      NaN      12
        out    0.5000      -1  x, "y"

        """
        #expect(try Self.sample().text() == expected)
    }

    @Test func plainTextWithTitleAndRowLimit() throws {
        let t = try Table(columns: ["i"], rows: (1...7).map { [.integer($0)] }, title: "T")
        let expected = """
        T
        i
        1
        2
        …
        6
        7
        [7 rows × 1 columns]

        """
        #expect(t.text(maximumRows: 4) == expected)
    }

    @Test func wideTablesSplitIntoBlocksRepeatingTheLabelColumn() throws {
        let t = try Table(columns: ["name", "aaaaaaaa", "bbbbbbbb", "cccccccc"], rows: [
            [.string("x"), .integer(1), .integer(2), .integer(3)],
        ])
        // 4 + 2 + 8 + 2 + 8 = 24 fits; the third number column goes to a second block.
        let text = t.text(maximumWidth: 25)
        #expect(text == """
        name  aaaaaaaa  bbbbbbbb
        x            1         2

        name  cccccccc
        x            3
        [1 rows × 4 columns]

        """)
    }

    @Test func numberStyleChoosesDecimalsPerColumn() {
        #expect(TableNumberStyle(values: [0.8123456, 0.5]).mode == .fixed(4))
        #expect(TableNumberStyle(values: [12.5, 3.25]).mode == .fixed(2))
        #expect(TableNumberStyle(values: [1, 2]).mode == .fixed(1))
        #expect(TableNumberStyle(values: [0.0123]).mode == .fixed(4))
        #expect(TableNumberStyle(values: [0.0123, 0.5]).text(0.5) == "0.5000")
        #expect(TableNumberStyle(values: [1.5e-7, 1]).mode == .scientific(3))
        #expect(TableNumberStyle(values: [1.5e-7]).text(1.5e-7) == "1.500e-07")
        #expect(TableNumberStyle(values: [-0.00001, 1]).mode == .scientific(3))
        #expect(TableNumberStyle(values: [0.5]).text(-0.00001) == "0.0")
        #expect(TableNumberStyle(values: [.nan, .infinity]).text(-.infinity) == "-inf")
    }

    @Test func markdownHasOneCellPerColumnAndEscapesPipes() throws {
        let expected = """
        **Results**

        | layer |  svcca | epochs | note   |
        | :---- | -----: | -----: | :----- |
        | conv1 | 0.8123 |      3 | a\\|b   |
        | fc_2  |    NaN |     12 |        |
        | out   | 0.5000 |     -1 | x, "y" |

        """
        #expect(try Self.sample(title: "Results").markdown() == expected)
    }

    @Test func csvQuotesAsRFC4180AndKeepsEveryDigit() throws {
        let expected = """
        layer,svcca,epochs,note
        conv1,0.8123,3,a|b
        fc_2,NaN,12,
        out,0.5,-1,"x, ""y\"\"\"

        """
        #expect(try Self.sample().csv() == expected)
        let t = try Table(columns: ["x"], rows: [[.number(0.1)], [.number(1e-5)], [.number(1.0 / 3.0)], [.number(-.infinity)], [.string(" pad")], [.string("two\nlines")]])
        #expect(t.csv() == "x\n0.1\n1e-05\n0.3333333333333333\n-inf\n\" pad\"\n\"two\nlines\"\n")
    }

    @Test func jsonIsAnArrayOfObjectsInColumnOrderWithNullForNaN() throws {
        let expected = """
        [
          {"layer":"conv1","svcca":0.8123,"epochs":3,"note":"a|b"},
          {"layer":"fc_2","svcca":null,"epochs":12,"note":null},
          {"layer":"out","svcca":0.5,"epochs":-1,"note":"x, \\"y\\""}
        ]

        """
        #expect(try Self.sample().json() == expected)
        #expect(try JSON.parse(Array(Self.sample().json().utf8)) == Self.sample().jsonValue)
        #expect(try Table(columns: ["a"], rows: []).json() == "[]\n")
    }

    @Test func latexUsesBooktabsAndEscapesSpecialCharacters() throws {
        let t = try Table(columns: ["a_b", "v"], rows: [
            [.string("50% & $x$ #1 {y} ~ ^ \\"), .number(1.25)],
        ], title: "Top_1")
        let expected = """
        \\begin{table}
        \\centering
        \\caption{Top\\_1}
        \\begin{tabular}{lr}
        \\toprule
        a\\_b & v \\\\
        \\midrule
        50\\% \\& \\$x\\$ \\#1 \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} & 1.25 \\\\
        \\bottomrule
        \\end{tabular}
        \\end{table}

        """
        #expect(t.latex() == expected)
    }

    @Test func raggedRowsRepeatedNamesAndNoColumnsAreErrors() {
        #expect(throws: EngineError.self) { try Table(columns: ["a", "b"], rows: [[.integer(1)]]) }
        #expect(throws: EngineError.self) { try Table(columns: ["a", "a"], rows: []) }
        #expect(throws: EngineError.self) { try Table(columns: [], rows: []) }
        #expect(throws: EngineError.self) { try Table(columns: [(name: "a", cells: [.integer(1)]), (name: "b", cells: [])]) }
    }

    @Test func saveChoosesTheFormatByExtension() throws {
        let dir = ScratchDirectory()
        let t = try Self.sample()
        for (ext, format) in [("csv", TableFormat.csv), ("md", .markdown), ("json", .json), ("tex", .latex), ("TXT", .text)] {
            let path = "\(dir.path)/t.\(ext)"
            #expect(try t.save(to: path) == format)
            #expect(String(decoding: try FileIO.read(path), as: UTF8.self) == t.formatted(as: format))
        }
        #expect(throws: EngineError.self) { try t.save(to: "\(dir.path)/t.xlsx") }
        #expect(throws: EngineError.self) { try t.save(to: "\(dir.path)/noext") }
        #expect(throws: EngineError.self) { try t.save(to: "/nonexistent-dir/t.csv") }
    }
}
