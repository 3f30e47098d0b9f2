import Mesh
import Testing

@Suite("Config kinds")
struct ConfigKindTests {
    @Test("every kind is listed once")
    func unique() {
        #expect(Set(ConfigKind.all).count == ConfigKind.all.count)
        #expect(ConfigKind.all.contains(.metaRouter))
    }
}
