import Foundation

/// Finds the YAML files under some paths and re-parses those that changed since the previous scan.
/// Not thread-safe: owned by one ``DirectorySource`` run loop (or a test).
package struct DirectoryScanner {
    private struct FileState {
        var modified: Date
        var size: Int
        var result: MeshYAMLParser.Result
    }

    let paths: [String]
    let parser: MeshYAMLParser
    private var files: [String: FileState] = [:]

    init(paths: [String], parser: MeshYAMLParser) {
        self.paths = paths
        self.parser = parser
    }

    /// Every `.yaml`/`.yml` file under `paths` (a path may itself be a file), sorted.
    package static func yamlFiles(under paths: [String]) -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                found.append(path)
                continue
            }
            guard let enumerator = manager.enumerator(atPath: path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let lower = relative.lowercased()
                guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") else { continue }
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                found.append((path as NSString).appendingPathComponent(relative))
            }
        }
        return found.sorted()
    }

    /// Rescans; returns whether any file was added, changed or removed.
    mutating func scan() -> Bool {
        let current = Self.yamlFiles(under: paths)
        var changed = false
        let currentSet = Set(current)
        for removed in files.keys where !currentSet.contains(removed) {
            files[removed] = nil
            changed = true
        }
        for path in current {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            if let known = files[path], known.modified == modified, known.size == size { continue }
            let text = (try? String(contentsOfFile: path, encoding: .utf8))
            let result: MeshYAMLParser.Result
            if let text {
                result = parser.parse(text, source: path)
            } else {
                var failed = MeshYAMLParser.Result()
                failed.errors.append(ValidationError(source: path, field: "", reason: "cannot read the file as UTF-8"))
                result = failed
            }
            files[path] = FileState(modified: modified, size: size, result: result)
            changed = true
        }
        return changed
    }

    /// All resources and problems, in path order; a key defined twice is an error on the later document.
    func collect() -> (resources: [MeshResource], errors: [ValidationError], skipped: [String]) {
        var seen: [ConfigKey: String] = [:]
        var resources: [MeshResource] = []
        var errors: [ValidationError] = []
        var skipped: [String] = []
        for path in files.keys.sorted() {
            let result = files[path]!.result
            errors += result.errors
            skipped += result.skipped
            for resource in result.resources {
                if let first = seen[resource.key] {
                    errors.append(ValidationError(source: resource.source, key: resource.key, field: "metadata.name",
                        reason: "duplicate resource, already defined at \(first)"))
                    continue
                }
                seen[resource.key] = resource.source
                resources.append(resource)
            }
        }
        return (resources, errors, skipped)
    }
}
