/// Collects problems while walking a spec, tracking the current field path.
struct FieldProblems {
    private(set) var problems: [(field: String, reason: String)] = []
    private var path: [String]

    init(root: String = "spec") { path = [root] }

    var currentPath: String { path.reduce("") { Self.join($0, $1) } }

    /// Records a problem at `field` below the current path (or the current path itself).
    mutating func add(_ field: String? = nil, _ reason: String) {
        problems.append((field.map { Self.join(currentPath, $0) } ?? currentPath, reason))
    }

    /// Walks into `field` for the duration of `body`.
    mutating func within(_ field: String, _ body: (inout FieldProblems) -> Void) {
        path.append(field)
        body(&self)
        path.removeLast()
    }

    /// Walks into every element of `items` (`field[0]`, `field[1]`, ...).
    mutating func each<T>(_ field: String, _ items: [T], _ body: (inout FieldProblems, Int, T) -> Void) {
        for (index, item) in items.enumerated() {
            within("\(field)[\(index)]") { body(&$0, index, item) }
        }
    }

    private static func join(_ base: String, _ field: String) -> String {
        if base.isEmpty { return field }
        if field.hasPrefix("[") { return base + field }
        return base + "." + field
    }
}
