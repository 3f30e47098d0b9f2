#if canImport(Glibc)
import Glibc
#endif

/// What the C allocator (glibc's malloc) holds, from its own statistics (`malloc_info`): how much
/// of the memory it got from the system is in use and how much is free inside its arenas. When
/// the resident size grows but the bytes in use do not, the growth is the allocator's (free chunks
/// it cannot return), not Aeraki's.
struct HeapStatistics: Sendable, Hashable {
    /// Bytes the arenas got from the system (`sbrk`/`mmap`ed heaps), now.
    var arenaBytes: Int
    /// Bytes in free chunks inside the arenas.
    var freeBytes: Int
    /// Bytes in chunks allocated with their own `mmap` (large allocations).
    var mmappedBytes: Int

    /// Bytes handed out to the program.
    var inUseBytes: Int { arenaBytes - freeBytes + mmappedBytes }

    /// The allocator's statistics now; nil where they are not available (not glibc).
    static func current() -> HeapStatistics? {
        #if canImport(Glibc)
        var buffer: UnsafeMutablePointer<CChar>?
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return nil }
        let status = glibcMallocInfo(0, stream)
        fclose(stream)
        defer { free(buffer) }
        guard status == 0, let buffer else { return nil }
        return parse(String(cString: buffer))
        #else
        return nil
        #endif
    }

    /// The process-wide totals of a `malloc_info` document (the elements after the last `</heap>`).
    static func parse(_ document: String) -> HeapStatistics? {
        let totals = document.ranges(of: "</heap>").last.map { document[$0.upperBound...] } ?? document[...]
        var values: [String: Int] = [:]
        for line in totals.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let type = Self.attribute("type", in: fields), let size = Self.attribute("size", in: fields).flatMap({ Int($0) })
            else { continue }
            values["\(fields[0].dropFirst())/\(type)"] = size
        }
        guard let arena = values["system/current"] else { return nil }
        return HeapStatistics(
            arenaBytes: arena, freeBytes: (values["total/fast"] ?? 0) + (values["total/rest"] ?? 0), mmappedBytes: values["total/mmap"] ?? 0
        )
    }

    private static func attribute(_ name: String, in fields: [Substring]) -> String? {
        let prefix = "\(name)=\""
        guard let field = fields.first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return String(field.dropFirst(prefix.count).prefix { $0 != "\"" })
    }
}

#if canImport(Glibc)
/// glibc's `int malloc_info(int options, FILE *stream)` (`<malloc.h>` is not part of the Glibc module).
@_silgen_name("malloc_info")
private func glibcMallocInfo(_ options: Int32, _ stream: UnsafeMutablePointer<FILE>) -> Int32
#endif
