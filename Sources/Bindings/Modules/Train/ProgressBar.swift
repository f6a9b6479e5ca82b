#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import Engine

/// Training progress on stderr: a live bar (images/s, loss, accuracy, ETA) redrawn in place
/// when stderr is a terminal, and one line per epoch otherwise (and at the end of each epoch).
final class ProgressBar {
    private let live = isatty(2) != 0
    private let clock = ContinuousClock()
    private var lastDraw: ContinuousClock.Instant?
    /// Written before every line ("step 2/4 " in prune.iterative), so logs say which run is on.
    var prefix = ""

    /// Redraws the bar (at most ten times a second) for a terminal; silent otherwise.
    func update(_ r: BatchReport) {
        guard live else { return }
        let now = clock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), r.batch + 1 < r.batchCount { return }
        lastDraw = now
        let fraction = Double(r.samples) / Double(max(r.samplesPerEpoch, 1))
        let width = 24
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "")
        let rate = Double(r.samples) / max(r.seconds, 1e-9)
        let eta = rate > 0 ? Double(r.samplesPerEpoch - r.samples) / rate : 0
        let line = prefix + "epoch \(r.epoch + 1)/\(r.epochs) [\(bar)] \(r.samples)/\(r.samplesPerEpoch)  \(Int(rate.rounded())) img/s  "
            + "loss \(ProgressBar.fixed(r.meanLoss, 4))  acc \(ProgressBar.fixed(r.accuracy * 100, 1))%  ETA \(ProgressBar.duration(eta))"
        write("\r\u{1B}[K" + line)
    }

    /// Prints the epoch's summary line.
    func finish(_ e: EpochRecord, epochs: Int) {
        var line = prefix + "epoch \(e.epoch + 1)/\(epochs): loss \(ProgressBar.fixed(e.loss, 4)), accuracy \(ProgressBar.fixed(e.accuracy * 100, 2))%"
        if let v = e.validationAccuracy { line += ", val_accuracy \(ProgressBar.fixed(v * 100, 2))%" }
        line += ", \(ProgressBar.fixed(e.seconds, 1)) s (\(Int(e.samplesPerSecond.rounded())) img/s)"
        write((live ? "\r\u{1B}[K" : "") + line + "\n")
    }

    /// Clears a half-drawn bar (after an error or interruption).
    func abandon() {
        if live, lastDraw != nil { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        fputs(text, stderr)
        fflush(stderr)
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale), frac = Int(r.truncatingRemainder(dividingBy: scale))
        let f = String(frac)
        return (x < 0 && r > 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + String(repeating: "0", count: digits - f.count) + f : "")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format2: (s % 3600) / 60))m" : s >= 60 ? "\(s / 60)m\(String(format2: s % 60))s" : "\(s)s"
    }
}

private extension String {
    /// Two-digit zero-padded number.
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}
