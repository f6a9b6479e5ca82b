/// The sizes and scratch layout of Winograd F(2×2, 3×3) on one block of `images` planes of
/// `height × width` (both even, at least 2), shared by both builds of the kernel
/// (``WinogradConvolution`` with 256-bit vectors, `WinogradConvolution512` with 512-bit ones).
/// Only the tiles one matrix-product kernel covers differ between them (``WinogradBuild``);
/// that changes how far the tiles are padded, never a value.
public struct WinogradGeometry: Sendable {
    public let height: Int, width: Int, images: Int
    /// The kernel build this block's scratch is laid out for.
    public let build: WinogradBuild

    public init(height: Int, width: Int, images: Int, build: WinogradBuild) {
        self.height = height; self.width = width; self.images = images; self.build = build
    }

    /// Tiles per matrix-product kernel (columns of `V` it covers).
    public var tileBlock: Int { build.tileBlock }

    /// Tile rows and columns of a plane (2×2 outputs each), and tiles of an image.
    public var tileRows: Int { height / 2 }
    public var tileColumns: Int { width / 2 }
    public var tilesPerImage: Int { tileRows * tileColumns }
    /// Row pitch of a sub-plane, and its entries (one slot each) for one image and the block.
    public var pitch: Int { width / 2 + 1 }
    public var slotsPerImage: Int { (height / 2 + 1) * pitch }
    /// Columns of the matrix products: the block's tiles, rounded up to whole kernels.
    public var slots: Int { (images * tilesPerImage + tileBlock - 1) / tileBlock * tileBlock }
    /// Floats of one sub-plane strip (a channel's four strips are this far apart): the
    /// block's sub-planes plus zeros the vector reads (up to 16 floats wide) run into.
    public var strip: Int { (images * slotsPerImage + pitch + 48 + 15) / 16 * 16 }
    /// Scratch floats: the sub-planes of `channels` inputs; the transformed inputs; the
    /// transformed outputs of `outputs` outputs followed by the products' tile.
    public func subPlaneFloats(channels: Int) -> Int { 4 * channels * strip }
    public func transformedFloats(channels: Int) -> Int { 16 * transformedStride(channels: channels) }
    public func outputFloats(outputs: Int) -> Int { 4 * outputs * slots + Self.productTileFloats }
    /// Floats of the products' tile (the 16 matrices `M[ξ]` of one block of outputs and tiles:
    /// 8 × 32 with AVX-512, 32 × 16 with AVX2), at the end of the output scratch.
    public static let productTileFloats = 16 * 32 * 16
    /// Floats from one ξ to the next in the transformed inputs (a row's last vector store
    /// may run 15 floats past the matrix).
    public func transformedStride(channels: Int) -> Int { skewed(channels * slots + 16) }
    /// `n` rounded up to an odd number of 16-float lines: the 16 streams (one per ξ) that
    /// the input transform writes then fall in distinct L1 sets. (Matrices of a multiple
    /// of 4 KB, as a 16-channel 32×32 layer's 20 KB, otherwise share one set and thrash.)
    func skewed(_ n: Int) -> Int {
        let lines = (n + 15) / 16
        return (lines % 2 == 0 ? lines + 1 : lines) * 16
    }

    /// Outputs rounded up to the product kernels' blocks: 8 rows (the AVX-512 kernel's block,
    /// two of the AVX2 kernel's 4), so both builds read the same transformed weights.
    public static func paddedOutputs(_ outputs: Int) -> Int { (outputs + 7) / 8 * 8 }

    /// Floats of transformed weights `U[ξ][c][k]` for `outputs` × `inputs` kernels.
    public static func transformedWeightCount(outputs: Int, inputs: Int) -> Int { 16 * inputs * paddedOutputs(outputs) }
}

/// The two builds of the Winograd kernel. Both compute every output with the same operations
/// in the same order, so they give the same bits; they differ in vector width and blocking.
public enum WinogradBuild: Sendable, Equatable {
    /// ``WinogradConvolution``: 256-bit vectors, products of 4 outputs × 16 tiles (needs AVX2 + FMA).
    case avx2
    /// `WinogradConvolution512`: 512-bit vectors, products of 8 outputs × 32 tiles (needs AVX-512F).
    case avx512

    /// Tiles per matrix-product kernel.
    public var tileBlock: Int {
        switch self {
        case .avx2: return 16
        case .avx512: return 32
        }
    }
}
