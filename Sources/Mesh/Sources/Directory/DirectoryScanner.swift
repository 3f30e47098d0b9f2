import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds the YAML files under some paths and re-parses those that changed since the previous scan.
///
/// A file that stops parsing keeps its last good resources (the errors are reported with them), so
/// a half-saved edit never takes config away; a deleted file takes its resources with it. Changes
/// are found by `stat` (inode, size, modification and change times to the nanosecond), and a file
/// whose status changed is parsed again only when its content did.
/// Not thread-safe: owned by one ``DirectorySource`` run loop (or a test).
package struct DirectoryScanner {
    private struct FileState {
        /// Nil when the file could not be read.
        var status: FileStatus?
        var fingerprint: Int
        var result: MeshYAMLParser.Result
    }

    /// What `stat` says of a file: a file whose status is unchanged is not read again. An atomic
    /// replace changes the inode, an in-place rewrite the change time (to the nanosecond).
    private struct FileStatus: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        static func == (a: FileStatus, b: FileStatus) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    let paths: [String]
    let parser: MeshYAMLParser
    private var files: [String: FileState] = [:]
    /// The directories the last scan walked.
    private(set) package var directories: [String] = []

    package init(paths: [String], parser: MeshYAMLParser) {
        self.paths = paths
        self.parser = parser
    }

    /// Every `.yaml`/`.yml` file under `paths` (a path may itself be a file), sorted, and the
    /// directories that hold them (for a file path, its parent). Names starting with a dot are
    /// skipped (a ConfigMap's `..data` and `..<timestamp>` directories) and directory symlinks are
    /// not followed, so a loop cannot be walked forever.
    ///
    /// The walk uses `readdir` directly: it runs on every poll, and Foundation's enumerator spends
    /// milliseconds per thousand files on path bridging.
    package static func walk(_ paths: [String]) -> (files: [String], directories: [String]) {
        var files: [String] = []
        var directories: [String] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFDIR {
                files.append(path)
                directories.append(path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? ".")
                continue
            }
            collect(in: path, files: &files, directories: &directories)
        }
        return (files.sorted(), directories)
    }

    private static func collect(in directory: String, files: inout [String], directories: inout [String]) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        directories.append(directory)
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = prefix + name
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                type = info.st_mode & S_IFMT == S_IFDIR ? Int32(DT_DIR) : Int32(DT_REG)
            }
            if type == Int32(DT_DIR) {
                collect(in: path, files: &files, directories: &directories)
                continue
            }
            let lower = name.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { files.append(path) }
        }
    }

    /// Rescans; returns whether any file was added, changed or removed.
    package mutating func scan() -> Bool {
        let (current, directories) = Self.walk(paths)
        self.directories = directories
        var changed = false
        let currentSet = Set(current)
        for removed in files.keys where !currentSet.contains(removed) {
            files[removed] = nil
            changed = true
        }
        for path in current {
            guard let status = FileStatus(path: path) else {
                changed = recordUnreadable(path, reason: String(cString: strerror(errno))) || changed
                continue
            }
            if files[path]?.status == status { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                changed = recordUnreadable(path, reason: "cannot read the file") || changed
                continue
            }
            var hasher = Hasher()
            data.withUnsafeBytes { hasher.combine(bytes: $0) }  // every byte: Data's own hash reads a prefix only
            let fingerprint = hasher.finalize()
            if let known = files[path], known.fingerprint == fingerprint {
                files[path]?.status = status
                continue
            }
            var result: MeshYAMLParser.Result
            if let text = String(data: data, encoding: .utf8) {
                result = parser.parse(text, source: path)
            } else {
                result = MeshYAMLParser.Result()
                result.errors.append(ValidationError(source: path, field: "", reason: "cannot read the file as UTF-8"))
            }
            keepLastGood(of: path, in: &result)
            files[path] = FileState(status: status, fingerprint: fingerprint, result: result)
            changed = true
        }
        return changed
    }

    /// When `result` has errors, adds the last good version of every resource of `path` it lost.
    private func keepLastGood(of path: String, in result: inout MeshYAMLParser.Result) {
        guard !result.errors.isEmpty, let previous = files[path]?.result.resources else { return }
        let parsed = Set(result.resources.map(\.key))
        result.resources += previous.filter { !parsed.contains($0.key) }
    }

    /// Records that `path` is listed but cannot be read (a dangling or looping symlink, no
    /// permission): an error naming it, with its last good resources kept. Returns whether that
    /// changed what the scanner reports.
    private mutating func recordUnreadable(_ path: String, reason: String) -> Bool {
        var result = MeshYAMLParser.Result()
        result.errors.append(ValidationError(source: path, field: "", reason: "cannot read the file: \(reason)"))
        keepLastGood(of: path, in: &result)
        if let known = files[path], known.result.errors.map(\.reason) == result.errors.map(\.reason) { return false }
        files[path] = FileState(status: nil, fingerprint: 0, result: result)
        return true
    }

    /// All resources and problems, in path order; a key defined twice is an error on the later document.
    package func collect() -> (resources: [MeshResource], errors: [ValidationError], skipped: [String]) {
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
