/// gRPC metadata: an ordered list of key/value pairs, where a key may repeat.
///
/// Keys are lower-case ASCII. Values of keys ending in `-bin` carry arbitrary bytes; every other
/// value is text.
public struct Metadata: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence, CustomStringConvertible {
    /// One entry.
    public struct Entry: Sendable, Hashable {
        /// The key, lower-case.
        public var key: String
        /// The raw value bytes.
        public var value: [UInt8]

        /// The value as UTF-8 text (lossy for binary values).
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// The entries, in the order they were added or received.
    public private(set) var entries: [Entry]

    /// Empty metadata.
    public init() {
        entries = []
    }

    /// Metadata from text pairs.
    public init(dictionaryLiteral elements: (String, String)...) {
        entries = elements.map { Entry(key: $0.0.lowercased(), value: Array($0.1.utf8)) }
    }

    /// Appends a text value.
    public mutating func add(_ key: String, _ value: String) {
        entries.append(Entry(key: key.lowercased(), value: Array(value.utf8)))
    }

    /// Appends a binary value.
    public mutating func add(_ key: String, bytes: [UInt8]) {
        entries.append(Entry(key: key.lowercased(), value: bytes))
    }

    /// The first text value for `key`, if any.
    public subscript(key: String) -> String? {
        let key = key.lowercased()
        return entries.first { $0.key == key }?.text
    }

    /// Every text value for `key`, in order.
    public func values(for key: String) -> [String] {
        let key = key.lowercased()
        return entries.filter { $0.key == key }.map(\.text)
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[Entry]> {
        entries.makeIterator()
    }

    public var description: String {
        "[" + entries.map { "\($0.key): \($0.key.hasSuffix("-bin") ? "<\($0.value.count) bytes>" : $0.text)" }
            .joined(separator: ", ") + "]"
    }
}
