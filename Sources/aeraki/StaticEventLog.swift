import Foundation
import Synchronization

/// Appends one JSON object per line to a file: the hook events of `serve-static`, so that tests
/// can count them.
final class StaticEventLog: Sendable {
    private let handle: Mutex<FileHandle?>

    init(path: String?) {
        guard let path else {
            handle = Mutex(nil)
            return
        }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = Mutex(FileHandle(forWritingAtPath: path))
    }

    func write(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        handle.withLock { handle in
            handle?.write(data + Data("\n".utf8))
        }
    }
}
