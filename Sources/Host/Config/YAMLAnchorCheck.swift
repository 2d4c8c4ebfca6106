/// Finds the first YAML anchor (`&name`) or alias (`*name`) in a config's text. A config refuses
/// them: an alias repeats a node wherever it is named, so a few lines can expand into millions of
/// nodes (the "billion laughs"), and a limit given once and reused by alias is easy to change in
/// one place without seeing it changes in others.
///
/// Both are indicators only where a node starts: at the start of a line's content, after `- `,
/// `: `, `? `, `[`, `{` or `,`. Quoted scalars (single or double, across lines) and comments are
/// skipped, so `"a*b"`, `'&'` or `# &note` are not taken for one. A plain scalar cannot start with
/// `&` or `*` in YAML, so nothing valid without anchors is refused.
enum YAMLAnchorCheck {
    /// The first anchor or alias: its line (1-based) and the token, nil when there is none.
    static func firstAnchorOrAlias(in text: String) -> (line: Int, token: String)? {
        var quote: Character?
        var line = 1
        var atNodeStart = true
        var previous: Character = "\n"
        let iterator = Array(text)
        var index = 0
        while index < iterator.count {
            let c = iterator[index]
            if c == "\n" {
                line += 1
                atNodeStart = quote == nil
                previous = c
                index += 1
                continue
            }
            if let open = quote {
                if open == "\"" && c == "\\" { index += 2; continue }
                if c == open {
                    // '' inside a single-quoted scalar is an escaped quote.
                    if open == "'" && index + 1 < iterator.count && iterator[index + 1] == "'" { index += 2; continue }
                    quote = nil
                }
                previous = c
                index += 1
                continue
            }
            switch c {
            case " ", "\t":
                break  // keeps atNodeStart as it is
            case "#" where previous == " " || previous == "\t" || previous == "\n" || atNodeStart:
                // A comment: skip to the end of the line.
                while index < iterator.count && iterator[index] != "\n" { index += 1 }
                continue
            case "\"", "'":
                if atNodeStart { quote = c }
                atNodeStart = false
            case "&", "*":
                if atNodeStart, index + 1 < iterator.count, !" \t\n,]}".contains(iterator[index + 1]) {
                    var end = index + 1
                    while end < iterator.count && !" \t\n,]}".contains(iterator[end]) { end += 1 }
                    return (line, String(iterator[index..<end]))
                }
                atNodeStart = false
            case "-", "?", ":":
                // `- `, `? ` and `: ` begin a node; inside a scalar (`a-b`, `http://`) they do not.
                let next = index + 1 < iterator.count ? iterator[index + 1] : "\n"
                atNodeStart = next == " " || next == "\t" || next == "\n"
            case "[", "{", ",":
                atNodeStart = true
            default:
                atNodeStart = false
            }
            previous = c
            index += 1
        }
        return nil
    }
}
