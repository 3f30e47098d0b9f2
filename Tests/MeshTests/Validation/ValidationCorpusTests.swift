import Foundation
import Mesh
import Testing

/// One document of `Fixtures/validation/bad.yaml` and the error it must produce.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let document: Int
    let name: String
    let field: String
    let reason: String

    var testDescription: String { "#\(document) \(name): \(field)" }

    static let all: [CorpusCase] = {
        guard let text = try? Fixtures.text("validation/bad.yaml") else { return [] }
        return text.components(separatedBy: "\n---\n").enumerated().compactMap { index, chunk in
            guard let line = chunk.split(separator: "\n").first(where: { $0.hasPrefix("# expect: ") }) else { return nil }
            let parts = line.dropFirst("# expect: ".count).components(separatedBy: " | ")
            let name = chunk.split(separator: "\n").first { $0.hasPrefix("metadata:") }.map(String.init) ?? ""
            return CorpusCase(document: index + 1, name: name, field: parts[0], reason: parts.count > 1 ? parts[1] : "")
        }
    }()
}

@Suite("Validation corpus")
struct ValidationCorpusTests {
    static let parser = MeshYAMLParser()

    static func parsed(_ file: String) throws -> MeshYAMLParser.Result {
        parser.parse(try Fixtures.text("validation/\(file)"), source: file)
    }

    @Test("the corpus has at least 40 bad resources, one expectation per document")
    func corpusSize() throws {
        #expect(CorpusCase.all.count >= 40)
        let bad = try Self.parsed("bad.yaml")
        #expect(bad.resources.count + Set(bad.errors.map(\.source)).count == CorpusCase.all.count)
    }

    @Test("every good resource is accepted and in effect; other API groups are skipped")
    func goodResources() throws {
        let good = try Self.parsed("good.yaml")
        #expect(good.errors.isEmpty, "\(good.errors)")
        #expect(good.skipped.count == 1)
        let store = ConfigStore()
        let errors = store.replace(origin: "good", with: good.resources)
        #expect(errors.isEmpty, "\(ValidationErrors(errors))")
        #expect(store.snapshot().count == good.resources.count)
        #expect(Set(good.resources.map(\.key.kind)) == Set(ConfigKind.all))
    }

    @Test("each bad resource is rejected with its error, naming source, kind, namespace/name and field", arguments: CorpusCase.all)
    func badResource(_ expected: CorpusCase) throws {
        let good = try Self.parsed("good.yaml").resources
        let bad = try Self.parsed("bad.yaml")
        let source = "bad.yaml#\(expected.document)"
        var errors = bad.errors.filter { $0.source == source }
        let resource = bad.resources.first { $0.source == source }
        let store = ConfigStore()
        if let resource {
            errors += store.replace(origin: "test", with: good + [resource]).filter { $0.source == source }
            #expect(store.snapshot()[resource.key] == nil, "the bad resource must not be in effect")
        } else {
            #expect(store.replace(origin: "test", with: good).isEmpty)
        }
        #expect(store.snapshot().count == good.count, "every good resource stays in effect")
        let match = errors.first { $0.field == expected.field && $0.reason.contains(expected.reason) }
        #expect(match != nil, "expected \(expected.field): …\(expected.reason)…, got:\n\(ValidationErrors(errors))")
        if let match, let resource {
            #expect(match.key == resource.key)
            #expect(match.description.hasPrefix("\(source): \(resource.key.kind.kind) "))
        }
    }

    @Test("all bad resources together next to the good ones: every good one survives, no bad one gets in")
    func mixed() throws {
        let good = try Self.parsed("good.yaml").resources
        let bad = try Self.parsed("bad.yaml")
        let store = ConfigStore()
        let errors = store.replace(origin: "mixed", with: good + bad.resources)
        let snapshot = store.snapshot()
        #expect(snapshot.count == good.count)
        for resource in good { #expect(snapshot[resource.key]?.spec == resource.spec) }
        #expect(Set(errors.map(\.source)) == Set(bad.resources.map(\.source)))
        #expect(Set(store.rejections().compactMap(\.key)) == Set(bad.resources.map(\.key)))
    }

    @Test("an error prints source, resource, field and reason on one line")
    func errorDescription() {
        let key = ConfigKey(kind: .serviceEntry, namespace: "default", name: "foo")
        let error = ValidationError(source: "dir/se.yaml#2", key: key, field: "spec.ports[0].number", reason: "port 0 is out of range 1-65535")
        #expect(error.description == "dir/se.yaml#2: ServiceEntry default/foo: spec.ports[0].number: port 0 is out of range 1-65535")
        #expect(ValidationErrors([error, error]).description.split(separator: "\n").count == 2)
    }
}
