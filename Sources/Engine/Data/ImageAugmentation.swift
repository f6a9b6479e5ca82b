/// Training augmentation for images (`channels × height × width` samples): a random crop
/// with zero padding followed by a random horizontal flip, as torchvision's
/// `RandomCrop(size, padding = p)` + `RandomHorizontalFlip()` used for CIFAR in the paper's
/// setting.
///
/// The crop pads the image with `padding` zeros on every side and cuts a window of the
/// original size at a uniformly drawn offset (`2·padding + 1` choices per axis), so the
/// image shifts by `-padding…padding` pixels and the uncovered border is zero (zero in the
/// stored scale: datasets augment before normalising, so after normalisation the border
/// reads `-mean/std`, as with torchvision). The flip mirrors columns with probability ½.
public struct ImageAugmentation: Sendable, Equatable, CustomStringConvertible {
    /// Zero padding of the random crop (0: no crop).
    public let padding: Int
    /// Whether to flip horizontally with probability ½.
    public let flip: Bool

    /// Largest accepted padding.
    public static let maxPadding = 1024

    /// An augmentation; `padding` must lie in `0…maxPadding`.
    public init(padding: Int, flip: Bool) throws {
        guard (0...ImageAugmentation.maxPadding).contains(padding) else {
            throw EngineError.invalid("crop padding", expected: "an integer in 0…\(ImageAugmentation.maxPadding)", given: "\(padding)")
        }
        self.padding = padding
        self.flip = flip
    }

    /// True when it never changes an image.
    public var isIdentity: Bool { padding == 0 && !flip }

    public var description: String {
        var parts: [String] = []
        if padding > 0 { parts.append("crop \(padding)") }
        if flip { parts.append("flip") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// Where one augmented image comes from: `output[c, y, x] = input[c, y + shiftY,
    /// (flipped ? W−1−x : x) + shiftX]`, zero where that lies outside the input.
    public struct Placement: Sendable, Equatable {
        public var shiftY: Int
        public var shiftX: Int
        public var flipped: Bool

        public init(shiftY: Int, shiftX: Int, flipped: Bool) {
            self.shiftY = shiftY
            self.shiftX = shiftX
            self.flipped = flipped
        }

        /// No change.
        public static let identity = Placement(shiftY: 0, shiftX: 0, flipped: false)
    }

    /// Draws one image's placement. Always in this order, so a generator advances the same
    /// way for every image: the vertical then horizontal crop offset (each
    /// `nextInt(below: 2·padding + 1)`, only when `padding > 0`), then the flip (one draw,
    /// flipped when its top bit is set, only when `flip`).
    @inline(__always)
    public func draw(_ generator: inout RandomGenerator) -> Placement {
        var p = Placement.identity
        if padding > 0 {
            p.shiftY = generator.nextInt(below: 2 * padding + 1) - padding
            p.shiftX = generator.nextInt(below: 2 * padding + 1) - padding
        }
        if flip { p.flipped = generator.next() >> 63 == 1 }
        return p
    }

    /// Writes the image `source` (`channels × height × width`, row-major) moved by
    /// `placement` into `destination` (same shape, must not overlap `source`).
    public static func apply(_ placement: Placement, from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>,
                             channels: Int, height: Int, width: Int) {
        let (sy, sx) = (placement.shiftY, placement.shiftX)
        // Output columns x whose source column lies inside the image.
        let lo: Int, hi: Int
        if placement.flipped {
            lo = max(0, sx); hi = min(width, width + sx)
        } else {
            lo = max(0, -sx); hi = min(width, width - sx)
        }
        for c in 0..<channels {
            for y in 0..<height {
                let out = destination + (c * height + y) * width
                let row = y + sy
                guard row >= 0, row < height, lo < hi else {
                    out.update(repeating: 0, count: width)
                    continue
                }
                let input = source + (c * height + row) * width
                if lo > 0 { out.update(repeating: 0, count: lo) }
                if hi < width { (out + hi).update(repeating: 0, count: width - hi) }
                if placement.flipped {
                    let base = width - 1 + sx  // source column of output column 0
                    for x in lo..<hi { out[x] = input[base - x] }
                } else {
                    (out + lo).update(from: input + lo + sx, count: hi - lo)
                }
            }
        }
    }
}
