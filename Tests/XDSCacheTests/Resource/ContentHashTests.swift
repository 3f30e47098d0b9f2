import Testing
import XDSCache

@Suite("Content hash")
struct ContentHashTests {
    @Test("FNV-1a 64 matches the published test vectors")
    func vectors() {
        #expect(ContentHash.hex(of: []) == "cbf29ce484222325")
        #expect(ContentHash.hex(of: Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(ContentHash.hex(of: Array("foobar".utf8)) == "85944171f73967e8")
    }

    @Test("Different content gets different versions, equal content equal ones")
    func distinct() {
        #expect(ContentHash.hex(of: [1, 2, 3]) == ContentHash.hex(of: [1, 2, 3]))
        #expect(ContentHash.hex(of: [1, 2, 3]) != ContentHash.hex(of: [1, 2, 4]))
    }
}
