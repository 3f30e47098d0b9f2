/// Indents compact JSON without re-parsing it, so every token (numbers included) stays exactly as
/// the encoder wrote it.
enum JSONIndenter {
    static func indent(_ json: String, width: Int = 2) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        var previous: Character = " "
        func newline() {
            out.append("\n")
            out.append(String(repeating: " ", count: depth * width))
        }
        for char in json {
            if inString {
                out.append(char)
                if escaped { escaped = false } else if char == "\\" { escaped = true } else if char == "\"" { inString = false }
                previous = char
                continue
            }
            switch char {
            case "\"":
                inString = true
                out.append(char)
            case "{", "[":
                out.append(char)
                depth += 1
                newline()
            case "}", "]":
                depth -= 1
                if previous == "{" || previous == "[" {
                    // Empty container: undo the newline written after the opener.
                    while out.last == " " || out.last == "\n" { out.removeLast() }
                } else {
                    newline()
                }
                out.append(char)
            case ",":
                out.append(char)
                newline()
            case ":":
                out.append(": ")
            default:
                out.append(char)
            }
            previous = char
        }
        return out
    }
}
