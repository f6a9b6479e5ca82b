/// Conversions and checks shared by the LAPACK wrappers.
enum LAPACK {
    /// `value` as LAPACK's 32-bit integer, or an error naming the routine when it does not fit.
    static func int(_ value: Int, _ routine: String) throws -> Int32 {
        guard let v = Int32(exactly: value) else {
            throw EngineError("\(routine): dimension \(value) exceeds LAPACK's 32-bit index range", kind: .numerical)
        }
        return v
    }

    /// Throws unless `info` is 0.
    static func check(_ info: Int32, _ routine: String, _ meaning: String) throws {
        if info < 0 { throw EngineError("\(routine): argument \(-info) was invalid (internal error)", kind: .numerical) }
        if info > 0 { throw EngineError("\(routine): \(meaning) (info \(info))", kind: .numerical) }
    }

    /// Workspace size LAPACK reported in a query (`work[0]`), at least `minimum`.
    static func workspace(_ reported: Double, minimum: Int) -> Int {
        max(minimum, Int(reported.rounded(.up)))
    }
}
