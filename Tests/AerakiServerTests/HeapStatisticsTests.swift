@testable import AerakiServer
import Testing

@Suite("allocator statistics")
struct HeapStatisticsTests {
    @Test("the process totals of a malloc_info document are read, not one heap's")
    func parsesTotals() throws {
        let document = """
            <malloc version="1">
            <heap nr="0">
            <total type="fast" count="1" size="999"/>
            <system type="current" size="111"/>
            </heap>
            <total type="fast" count="3" size="4096"/>
            <total type="rest" count="7" size="1048576"/>
            <total type="mmap" count="2" size="2097152"/>
            <system type="current" size="8388608"/>
            <system type="max" size="9999999"/>
            </malloc>
            """
        let statistics = try #require(HeapStatistics.parse(document))
        #expect(statistics == HeapStatistics(arenaBytes: 8_388_608, freeBytes: 1_052_672, mmappedBytes: 2_097_152))
        #expect(statistics.inUseBytes == 8_388_608 - 1_052_672 + 2_097_152)
    }

    @Test("this process's allocator answers, with plausible figures")
    func current() throws {
        #if canImport(Glibc)
        let statistics = try #require(HeapStatistics.current())
        #expect(statistics.arenaBytes > 0 && statistics.freeBytes <= statistics.arenaBytes && statistics.inUseBytes > 0)
        #endif
    }
}
