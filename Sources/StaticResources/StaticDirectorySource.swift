package import Foundation
package import XDSCache

/// Reads a directory of resource files into snapshots: `default/` is the fallback snapshot, every
/// other folder is the snapshot of the node whose id is the folder name.
///
/// Decoded files are cached by content hash, so an unchanged file is never serialized again. A
/// folder with an invalid file keeps its last good snapshot; the file is reported by name.
package final class StaticDirectorySource {
    /// What one scan found.
    package struct ScanResult {
        /// Folders whose content changed and decoded cleanly, with their new snapshots.
        package var updated: [String: Snapshot] = [:]
        /// Folders that disappeared.
        package var removed: [String] = []
        /// Invalid files, as messages naming them.
        package var errors: [String] = []
    }

    package static let defaultFolder = "default"

    package let root: URL
    private var folderFingerprints: [String: String] = [:]
    private var fileCache: [String: [PreparedResource]] = [:]

    package init(root: URL) {
        self.root = root
    }

    /// Files are cached by content (and format), so identical files in several node folders share
    /// their prepared resources.
    private static func cacheKey(_ path: String, _ hash: String) -> String {
        (path.hasSuffix(".json") ? "json#" : "yaml#") + hash
    }

    /// Scans the directory and returns what changed since the last scan.
    package func scan() -> ScanResult {
        var result = ScanResult()
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { name in
            var isDir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDir)
                && isDir.boolValue
        }.sorted()
        for gone in folderFingerprints.keys where !folders.contains(gone) {
            result.removed.append(gone)
            folderFingerprints[gone] = nil
        }
        var usedFileKeys: Set<String> = []
        for folder in folders {
            let dir = root.appendingPathComponent(folder)
            let files = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter {
                !$0.hasPrefix(".") && ($0.hasSuffix(".json") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml"))
            }.sorted()
            var contents: [(String, Data, String)] = []
            var fingerprint = ContentHash()
            for file in files {
                let path = dir.appendingPathComponent(file).path
                guard let data = fm.contents(atPath: path) else { continue }
                let hash = ContentHash.hex(of: data)
                contents.append((path, data, hash))
                fingerprint.combine(string: file)
                fingerprint.combine(string: hash)
            }
            for entry in contents { usedFileKeys.insert(Self.cacheKey(entry.0, entry.2)) }
            guard folderFingerprints[folder] != fingerprint.hex else { continue }
            var resources: [PreparedResource] = []
            var folderErrors: [String] = []
            for (path, data, hash) in contents {
                let key = Self.cacheKey(path, hash)
                if let cached = fileCache[key] {
                    resources += cached
                    continue
                }
                do {
                    let decoded = try StaticResourceDecoder.decode(path: path, contents: data)
                    fileCache[key] = decoded
                    resources += decoded
                } catch {
                    folderErrors.append("invalid file \(error)")
                }
            }
            var seen: Set<String> = []
            for resource in resources where !seen.insert(resource.typeURL + " " + resource.name).inserted {
                folderErrors.append("invalid folder \(dir.path): duplicate \(resource.typeURL) \(resource.name)")
            }
            folderFingerprints[folder] = fingerprint.hex
            if folderErrors.isEmpty {
                result.updated[folder] = Snapshot(resources: resources, label: fingerprint.hex)
            } else {
                result.errors += folderErrors
            }
        }
        fileCache = fileCache.filter { usedFileKeys.contains($0.key) }
        return result
    }
}
