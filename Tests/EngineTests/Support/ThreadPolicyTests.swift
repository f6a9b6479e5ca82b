#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import Engine

/// The one thread-count policy: its decisions for several core counts (the rules the four
/// parallel helpers applied before they shared it), and the helpers following it.
@Suite struct ThreadPolicyTests {
    @Test func loopsUseOneThreadPerCoreAboveTheirThreshold() {
        for cores in [1, 2, 3, 8, 64] {
            let p = ThreadPolicy(cores: cores)
            #expect(p.loopThreads == cores)
            #expect(!p.loopRunsConcurrently(1, minimumCount: 2))
            #expect(p.loopRunsConcurrently(2, minimumCount: 2) == (cores > 1))
            #expect(p.loopParts(16_383, minimumCount: 16_384) == 1)
            #expect(p.loopParts(16_384, minimumCount: 16_384) == cores)
            #expect(p.loopParts(5, minimumCount: 2) == min(cores, 5))  // never more parts than items
            #expect(p.loopRanges(16_383, minimumCount: 16_384) == 1)
            #expect(p.loopRanges(20_000, minimumCount: 16_384) == cores)
        }
        #expect(ThreadPolicy(cores: 0).cores == 1 && ThreadPolicy(cores: -3).loopThreads == 1)
    }

    @Test func elementwiseKernelsUseAtMostEightThreadsFrom2To17Elements() {
        #expect(ThreadPolicy(cores: 2).elementwiseThreads((1 << 17) - 1) == 1)
        #expect(ThreadPolicy(cores: 2).elementwiseThreads(1 << 17) == 2)
        #expect(ThreadPolicy(cores: 1).elementwiseThreads(1 << 20) == 1)
        #expect(ThreadPolicy(cores: 6).elementwiseThreads(1 << 20) == 6)
        #expect(ThreadPolicy(cores: 32).elementwiseThreads(1 << 20) == 8)
        #expect(ParallelChunks.minimumElements == 1 << 17)
    }

    @Test func blasWorkersFollowTheBLASThreadCountNotTheCores() {
        #expect(ThreadPolicy(cores: 2).blasWorkers(blasThreads: 4) == 4)
        #expect(ThreadPolicy(cores: 16).blasWorkers(blasThreads: 1) == 1)
        #expect(ThreadPolicy(cores: 2).blasWorkers(blasThreads: 0) == 1)
        #expect(ThreadPolicy.pairedTasks == 2)
    }

    /// The helpers on this machine: the policy's core count is sysconf's, and the loops cut work
    /// into the number of parts the policy says.
    @Test func theHelpersFollowTheMachinePolicy() {
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #expect(ThreadPolicy.machine.cores == cores && ParallelLoops.threadCount == cores)
        let ranges = Mutex(0), parts = Mutex(0), chunks = Mutex(0)
        ParallelLoops.forRanges(1 << 20) { _ in ranges.withLock { $0 += 1 } }
        ParallelLoops.forParts(1 << 20) { _, _ in parts.withLock { $0 += 1 } }
        ParallelChunks.run(1 << 20) { _, _ in chunks.withLock { $0 += 1 } }
        #expect(ranges.withLock { $0 } == ThreadPolicy.machine.loopRanges(1 << 20, minimumCount: 16_384))
        #expect(parts.withLock { $0 } == ThreadPolicy.machine.loopParts(1 << 20, minimumCount: 16_384))
        #expect(chunks.withLock { $0 } == ThreadPolicy.machine.elementwiseThreads(1 << 20))
        let small = Mutex(0)
        ParallelChunks.run(1000) { _, _ in small.withLock { $0 += 1 } }
        #expect(small.withLock { $0 } == 1)
    }
}
