/// Runs a notebook's code cells, top to bottom, in one Lua session (a ``CellEvaluator``) and
/// records each cell's outputs and execution count: `prunelab notebook run`.
///
/// Consecutive text on the same stream becomes one output, as Jupyter shows it. The run stops
/// at the first cell that fails (later cells keep no outputs and no count) unless
/// `continueOnError`.
public struct NotebookRunner {
    public let evaluator: CellEvaluator
    public var continueOnError = false

    public init(session: Session, continueOnError: Bool = false) throws {
        evaluator = try CellEvaluator(session: session)
        self.continueOnError = continueOnError
    }

    /// The notebook with outputs, and how many cells failed.
    public func run(_ notebook: Notebook) -> (Notebook, failures: Int) {
        var result = notebook
        var failures = 0
        for index in result.cells.indices where result.cells[index].kind == .code {
            result.cells[index].outputs = []
            result.cells[index].executionCount = nil
        }
        for index in result.cells.indices where result.cells[index].kind == .code {
            var outputs: [CellOutput] = []
            evaluator.onOutput = { output in
                if case .stream(let name, let text) = output, case .stream(let lastName, let lastText)? = outputs.last, lastName == name {
                    outputs[outputs.count - 1] = .stream(name: name, text: lastText + text)
                } else {
                    outputs.append(output)
                }
            }
            let status = evaluator.execute(result.cells[index].source)
            evaluator.onOutput = { _ in }
            result.cells[index].outputs = outputs
            result.cells[index].executionCount = evaluator.executionCount
            if status != .ok {
                failures += 1
                if !continueOnError { break }
            }
        }
        return (result, failures)
    }
}
