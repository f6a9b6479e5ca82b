/// One job of a sweep: a stage and the values of the parameters that stage depends on.
///
/// Its id is stable and readable: `<stage>/<k1=v1,k2=v2,…>-<hash>`, where the hash is the first
/// 8 hex digits of FNV-1a over a canonical encoding (stage and parameters with sorted keys, as
/// JSON). The same parameters always give the same id, whatever the order of the grid's axes
/// or of the other jobs, so a result on disk names the job it belongs to.
public struct SweepJob: Sendable {
    /// The stage this job belongs to.
    public let stage: String
    /// The parameters, in grid order.
    public let parameters: [(key: String, value: JSON)]
    /// The stable id (also the job's directory below `jobs/`).
    public let id: String
    /// For each earlier stage this job reads: its name and the id of the job it reads.
    public var inputs: [(stage: String, id: String)] = []

    public init(stage: String, parameters: [(key: String, value: JSON)]) {
        self.stage = stage
        self.parameters = parameters
        self.id = SweepJob.id(stage: stage, parameters: parameters)
    }

    /// The value of a parameter.
    public func value(_ key: String) -> JSON? { parameters.first { $0.key == key }?.value }

    /// The id of the job of `stage` with `parameters`.
    public static func id(stage: String, parameters: [(key: String, value: JSON)]) -> String {
        let canonical = JSON.object([
            ("stage", .string(stage)),
            ("parameters", .object(parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
        ]).text
        let hash = SweepHash.hex(SweepHash.fnv1a(canonical.utf8), digits: 8)
        var slug = parameters.map { "\($0.key)=\(display($0.value))" }.joined(separator: ",")
        slug = String(slug.unicodeScalars.map { safe($0) ? Character($0) : "_" })
        if slug.count > 80 { slug = String(slug.prefix(80)) }
        return "\(sanitizedStage(stage))/\(slug.isEmpty ? "job" : slug)-\(hash)"
    }

    /// A parameter value as text: strings bare, numbers in their shortest form.
    public static func display(_ value: JSON) -> String {
        switch value {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return "\(d)"
        case .bool(let b): return b ? "true" : "false"
        default: return value.text
        }
    }

    static func safe(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "=", ",", "+": return true
        default: return false
        }
    }

    static func sanitizedStage(_ stage: String) -> String {
        String(stage.unicodeScalars.map { safe($0) && $0 != "=" && $0 != "," ? Character($0) : "_" })
    }
}
