import Testing
@testable import Engine

/// Which OpenBLAS core `BLASCore` picks for a CPU, from hand-written flag sets. (Switching
/// itself is tested in a process of its own, suites/shell/blas_core.sh: a test process shares
/// OpenBLAS with tests running in parallel.)
@Suite struct BLASCoreTests {
    private let avx512: Set<Substring> = ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    @Test func picksCooperlakeWithBF16AndSkylakeXWithout() {
        #expect(BLASCore.bestAVX512Core(flags: avx512.union(["avx512_bf16"])) == "Cooperlake")
        #expect(BLASCore.bestAVX512Core(flags: avx512) == "SkylakeX")
    }

    @Test func picksNothingWithoutEverySubsetTheKernelsUse() {
        #expect(BLASCore.bestAVX512Core(flags: ["avx2", "fma"]) == nil)
        // Knights Landing style: AVX-512 F and CD but no BW/DQ/VL, which SkylakeX's kernels use.
        #expect(BLASCore.bestAVX512Core(flags: ["avx2", "fma", "avx512f", "avx512cd", "avx512_bf16"]) == nil)
        #expect(BLASCore.bestAVX512Core(flags: avx512.subtracting(["avx512vl"])) == nil)
    }

    @Test func requiredFlagsKnowTheCoresAndRefuseOtherNames() {
        #expect(BLASCore.requiredFlags(core: "haswell") == ["avx2", "fma"])
        #expect(BLASCore.requiredFlags(core: "SkylakeX") == ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
        #expect(BLASCore.requiredFlags(core: "Cooperlake")?.contains("avx512_bf16") == true)
        #expect(BLASCore.requiredFlags(core: "Pentium9") == nil)
        #expect(BLASCore.requiredFlags(core: "") == nil)
    }
}
