#if canImport(Glibc)
import Glibc
#endif

/// Tells the directory source whether anything in the watched directories may have changed since
/// it last asked, so that an idle poll costs one `read` instead of a `stat` of every file (Linux
/// inotify; elsewhere there is no notifier and the source stats every file on every poll).
///
/// It only says *when* to look: the scan that follows still finds *what* changed. Changes that
/// inotify cannot see (a file behind a symlink that points out of the tree, a network file system)
/// are picked up by the source's periodic full scan.
package final class DirectoryChangeNotifier: Sendable {
    private let descriptor: Int32

    /// A notifier, or nil where inotify is not available (or the instance limit is reached).
    package init?() {
        #if os(Linux)
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        #else
        return nil
        #endif
    }

    deinit {
        #if os(Linux)
        close(descriptor)
        #endif
    }

    /// Watches `directories` for entries created, deleted, renamed, written or changed in their
    /// attributes (watching one already watched changes nothing; a deleted one drops its watch).
    /// Returns false when one could not be watched (the watch limit), so the caller must not rely
    /// on the notifier for it.
    package func watch(_ directories: [String]) -> Bool {
        #if os(Linux)
        let mask = UInt32(
            IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB
                | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
        )
        var watched = true
        for directory in directories where inotify_add_watch(descriptor, directory, mask) < 0 { watched = false }
        return watched
        #else
        return false
        #endif
    }

    /// Whether any event arrived since the previous call; reads them all, without blocking.
    package func drainEvents() -> Bool {
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var any = false
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 { any = true }
        return any
        #else
        return true
        #endif
    }
}
