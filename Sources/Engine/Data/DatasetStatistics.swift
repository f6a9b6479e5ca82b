/// Per-channel mean and standard deviation of a dataset's values.
extension SampleDataset {
    /// The mean and population standard deviation (divide by N) of each channel's values over
    /// every sample of the view, as batches would read them: scaled, normalised, unaugmented.
    ///
    /// Byte stores are summed exactly in integers, then scaled (Fashion-MNIST's training
    /// images: mean 0.2860, std 0.3530); float stores in Float64, two passes. Passing the
    /// result to ``normalized(mean:std:)`` gives a view with mean 0 and std 1 per channel.
    public func statistics() throws -> (mean: [Double], std: [Double]) {
        let channels = channelCount
        let plane = store.sampleSize / channels
        let n = Double(count) * Double(plane)
        guard count > 0 else {
            throw EngineError.invalid("statistics", expected: "a dataset with at least one sample", given: "an empty dataset")
        }
        var mean = [Double](repeating: 0, count: channels)
        var variance = [Double](repeating: 0, count: channels)
        store.withValues { bytes, floats in
            if let bytes {
                var sums = [UInt64](repeating: 0, count: channels)
                var squares = [UInt64](repeating: 0, count: channels)
                for i in 0..<count {
                    let sample = bytes + indices[i] * store.sampleSize
                    for c in 0..<channels {
                        let p = sample + c * plane
                        var s: UInt64 = 0, q: UInt64 = 0
                        for k in 0..<plane {
                            let v = UInt64(p[k])
                            s &+= v
                            q &+= v * v
                        }
                        sums[c] &+= s
                        squares[c] &+= q
                    }
                }
                for c in 0..<channels {
                    let m = Double(sums[c]) / n
                    mean[c] = m / 255
                    variance[c] = max(0, Double(squares[c]) / n - m * m) / (255 * 255)
                }
            } else if let floats {
                for i in 0..<count {
                    let sample = floats + indices[i] * store.sampleSize
                    for c in 0..<channels {
                        let p = sample + c * plane
                        var s = 0.0
                        for k in 0..<plane { s += Double(p[k]) }
                        mean[c] += s
                    }
                }
                for c in 0..<channels { mean[c] /= n }
                for i in 0..<count {
                    let sample = floats + indices[i] * store.sampleSize
                    for c in 0..<channels {
                        let p = sample + c * plane
                        let m = mean[c]
                        var q = 0.0
                        for k in 0..<plane {
                            let d = Double(p[k]) - m
                            q += d * d
                        }
                        variance[c] += q
                    }
                }
                for c in 0..<channels { variance[c] /= n }
            }
        }
        // Through the view's normalisation: (x − m) / s shifts the mean and scales the std.
        let norm = normalization
        return ((0..<channels).map { (mean[$0] - norm.mean[$0]) / norm.std[$0] },
                (0..<channels).map { variance[$0].squareRoot() / norm.std[$0] })
    }
}
